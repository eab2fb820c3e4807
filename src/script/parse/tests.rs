//! Unit tests of the script parser: every command and expectation form, and every
//! malformed line with its line number and message.

use super::*;

fn one(line: &str) -> Result<Stmt, String> {
    parse_script(line)
        .map(|mut l| l.remove(0).stmt)
        .map_err(|e| e.message)
}

#[test]
fn parses_every_command() {
    assert_eq!(
        one(r#"onboard customer tom email=aa@gmail.com phone=123 address="address 1" at=1.5,2"#),
        Ok(Stmt::OnboardCustomer {
            name: "tom".into(),
            email: "aa@gmail.com".into(),
            phone: "123".into(),
            address: Some("address 1".into()),
            at: LatLon::new(1.5, 2.0),
        })
    );
    assert_eq!(
        one("onboard driver d1"),
        Ok(Stmt::OnboardDriver {
            name: "d1".into(),
            email: None,
            phone: None,
            at: None
        })
    );
    assert_eq!(one("items"), Ok(Stmt::Items));
    assert_eq!(
        one("catalog a b"),
        Ok(Stmt::Catalog(vec!["a".into(), "b".into()]))
    );
    assert_eq!(
        one("place order item=item1 to=paul from=tom key=k"),
        Ok(Stmt::Place {
            from: "tom".into(),
            to: "paul".into(),
            item: "item1".into(),
            key: Some("k".into())
        })
    );
    assert_eq!(
        one("cancel order order-1"),
        Ok(Stmt::Cancel {
            order: "order-1".into(),
            by: None
        })
    );
    assert_eq!(
        one("pickup d1 order-1"),
        Ok(Stmt::Pickup {
            driver: "d1".into(),
            order: "order-1".into()
        })
    );
    assert_eq!(
        one("deliver d1 order-1"),
        Ok(Stmt::Deliver {
            driver: "d1".into(),
            order: "order-1".into()
        })
    );
    assert_eq!(
        one("rate order-1 6 by=paul"),
        Ok(Stmt::Rate {
            order: "order-1".into(),
            stars: 6,
            by: Some("paul".into())
        })
    );
    assert_eq!(one("status orders"), Ok(Stmt::StatusOrders));
    assert_eq!(one("status driver d1"), Ok(Stmt::StatusDriver("d1".into())));
    assert_eq!(
        one("top drivers by=rating limit=3"),
        Ok(Stmt::Top {
            by: RankBy::Rating,
            limit: Some(3)
        })
    );
    assert_eq!(one("wait 1m30s"), Ok(Stmt::Wait(Millis(90_000))));
    assert_eq!(one("at 2h"), Ok(Stmt::At(Millis(7_200_000))));
    assert_eq!(
        one("set deadline=90s policy=nearest"),
        Ok(Stmt::Set(Settings {
            deadline: Some(Millis(90_000)),
            policy: Some(Policy::Nearest),
            ..Settings::default()
        }))
    );
}

#[test]
fn parses_every_expectation() {
    let script = "items\nexpect ok\nexpect error order_cancelled\nexpect order order-1 cancelled reason=no_pickup driver=d\n\
                  expect driver d idle order=order-2\nexpect notified tom placed order-1\nexpect top by=deliveries a,b";
    let stmts: Vec<Stmt> = parse_script(script)
        .unwrap()
        .into_iter()
        .map(|l| l.stmt)
        .collect();
    assert_eq!(stmts.len(), 7);
    assert_eq!(
        stmts[2],
        Stmt::Expect(Expectation::Error(Refusal::OrderCancelled))
    );
    assert_eq!(
        stmts[6],
        Stmt::Expect(Expectation::Top {
            by: RankBy::Deliveries,
            names: vec!["a".into(), "b".into()]
        })
    );
}

#[test]
fn malformed_lines_name_their_line() {
    let cases = [
        ("items\n\nfly away", 3, "unknown command `fly`"),
        ("place order from=a to=b", 1, "missing required option `item=`"),
        (
            "onboard customer tom email=a@b",
            1,
            "missing required option `phone=`",
        ),
        ("onboard customer tom address=\"x", 1, "unterminated quote"),
        ("wait 5 seconds", 1, "expected a duration"),
        ("wait 5x", 1, "invalid duration"),
        ("items\nexpect error no_such_code", 2, "unknown error code"),
        ("expect ok", 1, "need a command before"),
        ("rate order-1 five", 1, "invalid stars"),
        (
            "place order from=a to=b item=c colour=red",
            1,
            "unknown option `colour`",
        ),
        ("place order from=a from=b to=c item=d", 1, "given twice"),
        ("set", 1, "needs deadline"),
        ("set deadline=0s", 1, "must be above 0s"),
        ("set deadline=0", 1, "must be above 0s"),
        ("set policy=fastest", 1, "unknown policy"),
        ("items\nexpect order order-1 lost", 2, "unknown order status"),
        ("top drivers by=speed", 1, "unknown ranking"),
        ("onboard driver d at=north", 1, "invalid location"),
        ("onboard driver d at=1,inf", 1, "invalid location"),
    ];
    for (script, line, fragment) in cases {
        let err = parse_script(script).expect_err(script);
        assert_eq!(err.line, line, "{script}");
        assert!(err.message.contains(fragment), "{script}: {}", err.message);
    }
}

#[test]
fn keeps_line_text_without_comment() {
    let lines =
        parse_script("  wait 5s   # breathe\nonboard customer a email=x@y phone=1 address=\"#1 street\"")
            .unwrap();
    assert_eq!(lines[0].text, "wait 5s");
    assert_eq!(
        lines[1].text,
        "onboard customer a email=x@y phone=1 address=\"#1 street\""
    );
}
