//! The script grammar of SPEC §4: each line becomes a [`Stmt`], or a parse error naming the
//! line. The whole file is parsed before anything runs, so a typo on line 90 stops the
//! script before line 1 prints a thing.

use std::collections::BTreeMap;

use super::lexer;
use crate::engine::{CancelReason, DriverStatus, LatLon, NoticeKind, OrderStatus, Policy, RankBy, Refusal};
use crate::time::{parse_duration, Millis};

/// One parsed line of a script.
#[derive(Clone, Debug, PartialEq)]
pub struct Line {
    /// 1-based line number in the file.
    pub number: usize,
    /// The line as written, without comment or surrounding spaces.
    pub text: String,
    /// What it says.
    pub stmt: Stmt,
}

/// A script statement.
#[derive(Clone, Debug, PartialEq)]
#[allow(missing_docs)] // Fields mirror the SPEC §4 syntax one to one.
pub enum Stmt {
    OnboardCustomer {
        name: String,
        email: String,
        phone: String,
        address: Option<String>,
        at: Option<LatLon>,
    },
    OnboardDriver {
        name: String,
        email: Option<String>,
        phone: Option<String>,
        at: Option<LatLon>,
    },
    Items,
    Catalog(Vec<String>),
    Place {
        from: String,
        to: String,
        item: String,
        key: Option<String>,
    },
    Cancel {
        order: String,
        by: Option<String>,
    },
    Pickup {
        driver: String,
        order: String,
    },
    Deliver {
        driver: String,
        order: String,
    },
    Rate {
        order: String,
        stars: i64,
        by: Option<String>,
    },
    StatusOrder(String),
    StatusDriver(String),
    StatusOrders,
    StatusDrivers,
    Top {
        by: RankBy,
        limit: Option<usize>,
    },
    Wait(Millis),
    At(Millis),
    Set {
        deadline: Option<Millis>,
        policy: Option<Policy>,
    },
    Expect(Expectation),
}

/// An `expect` line.
#[derive(Clone, Debug, PartialEq)]
#[allow(missing_docs)] // Fields mirror the SPEC §4 syntax one to one.
pub enum Expectation {
    Ok,
    Error(Refusal),
    Order {
        order: String,
        status: OrderStatus,
        driver: Option<String>,
        reason: Option<CancelReason>,
    },
    Driver {
        name: String,
        status: DriverStatus,
        order: Option<String>,
    },
    Notified {
        name: String,
        kind: NoticeKind,
        order: String,
    },
    Top {
        by: RankBy,
        names: Vec<String>,
    },
}

/// A line that could not be parsed: its number and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    /// 1-based line number.
    pub line: usize,
    /// What is wrong, in lowercase.
    pub message: String,
}

/// Parses a whole script.
pub fn parse_script(text: &str) -> Result<Vec<Line>, ParseError> {
    let mut lines = Vec::new();
    let mut seen_command = false;
    for (index, raw) in text.lines().enumerate() {
        let number = index + 1;
        let fail = |message: String| ParseError {
            line: number,
            message,
        };
        let words = lexer::words(raw).map_err(|e| fail(e.0))?;
        if words.is_empty() {
            continue;
        }
        let stmt = parse_words(&words).map_err(fail)?;
        match stmt {
            Stmt::Expect(Expectation::Ok | Expectation::Error(_)) if !seen_command => {
                return Err(fail(
                    "`expect ok` and `expect error` need a command before them".into(),
                ));
            }
            Stmt::Expect(_) => {}
            _ => seen_command = true,
        }
        let text = lexer::code_part(raw).trim().to_string();
        lines.push(Line { number, text, stmt });
    }
    Ok(lines)
}

/// The positional words and `key=value` options of a command, after its keywords.
struct Args<'a> {
    positional: Vec<&'a str>,
    options: BTreeMap<&'a str, &'a str>,
}

impl<'a> Args<'a> {
    fn new(words: &'a [String], allowed: &[&str]) -> Result<Args<'a>, String> {
        let mut positional = Vec::new();
        let mut options = BTreeMap::new();
        for word in words {
            match word.split_once('=') {
                Some((key, value)) => {
                    if !allowed.contains(&key) {
                        return Err(if allowed.is_empty() {
                            format!("unexpected option `{key}`: this command takes none")
                        } else {
                            format!("unknown option `{key}`; expected one of: {}", allowed.join(", "))
                        });
                    }
                    if options.insert(key, value.as_ref()).is_some() {
                        return Err(format!("option `{key}` is given twice"));
                    }
                }
                None => positional.push(word.as_str()),
            }
        }
        Ok(Args { positional, options })
    }

    fn exactly(&self, n: usize, what: &str) -> Result<(), String> {
        if self.positional.len() == n {
            Ok(())
        } else {
            Err(format!(
                "expected {what}, found {} word(s)",
                self.positional.len()
            ))
        }
    }

    fn required(&self, key: &str) -> Result<String, String> {
        self.options
            .get(key)
            .map(|v| v.to_string())
            .ok_or_else(|| format!("missing required option `{key}=`"))
    }

    fn optional(&self, key: &str) -> Option<String> {
        self.options.get(key).map(|v| v.to_string())
    }
}

fn location(value: Option<String>) -> Result<Option<LatLon>, String> {
    value
        .map(|v| {
            LatLon::parse_numbers(&v)
                .ok_or_else(|| format!("invalid location `{v}`: expected LAT,LON, two numbers in degrees"))
        })
        .transpose()
}

fn duration(text: &str) -> Result<Millis, String> {
    parse_duration(text).map_err(|e| e.to_string())
}

fn rank_by(value: &str) -> Result<RankBy, String> {
    RankBy::parse(value).ok_or_else(|| format!("unknown ranking `{value}`; expected deliveries or rating"))
}

fn parse_words(words: &[String]) -> Result<Stmt, String> {
    let head: Vec<&str> = words.iter().take(2).map(String::as_str).collect();
    match head.as_slice() {
        ["onboard", "customer", ..] => {
            let a = Args::new(&words[2..], &["email", "phone", "address", "at"])?;
            a.exactly(1, "a customer name")?;
            Ok(Stmt::OnboardCustomer {
                name: a.positional[0].to_string(),
                email: a.required("email")?,
                phone: a.required("phone")?,
                address: a.optional("address"),
                at: location(a.optional("at"))?,
            })
        }
        ["onboard", "driver", ..] => {
            let a = Args::new(&words[2..], &["email", "phone", "at"])?;
            a.exactly(1, "a driver name")?;
            Ok(Stmt::OnboardDriver {
                name: a.positional[0].to_string(),
                email: a.optional("email"),
                phone: a.optional("phone"),
                at: location(a.optional("at"))?,
            })
        }
        ["onboard", ..] => Err("expected `onboard customer` or `onboard driver`".into()),
        ["items", ..] => {
            Args::new(&words[1..], &[])?.exactly(0, "nothing after `items`")?;
            Ok(Stmt::Items)
        }
        ["catalog", ..] => {
            let a = Args::new(&words[1..], &[])?;
            if a.positional.is_empty() {
                return Err("`catalog` needs at least one item".into());
            }
            Ok(Stmt::Catalog(
                a.positional.iter().map(|s| s.to_string()).collect(),
            ))
        }
        ["place", "order", ..] => {
            let a = Args::new(&words[2..], &["from", "to", "item", "key"])?;
            a.exactly(0, "only options after `place order`")?;
            Ok(Stmt::Place {
                from: a.required("from")?,
                to: a.required("to")?,
                item: a.required("item")?,
                key: a.optional("key"),
            })
        }
        ["place", ..] => Err("expected `place order from=… to=… item=…`".into()),
        ["cancel", "order", ..] => {
            let a = Args::new(&words[2..], &["by"])?;
            a.exactly(1, "an order id")?;
            Ok(Stmt::Cancel {
                order: a.positional[0].to_string(),
                by: a.optional("by"),
            })
        }
        ["cancel", ..] => Err("expected `cancel order ORDER [by=CUSTOMER]`".into()),
        ["pickup", ..] | ["deliver", ..] => {
            let a = Args::new(&words[1..], &[])?;
            a.exactly(2, "a driver and an order")?;
            let (driver, order) = (a.positional[0].to_string(), a.positional[1].to_string());
            Ok(if head[0] == "pickup" {
                Stmt::Pickup { driver, order }
            } else {
                Stmt::Deliver { driver, order }
            })
        }
        ["rate", ..] => {
            let a = Args::new(&words[1..], &["by"])?;
            a.exactly(2, "an order and a number of stars")?;
            let stars = whole_number(a.positional[1])
                .ok_or_else(|| format!("invalid stars `{}`: expected a whole number", a.positional[1]))?;
            Ok(Stmt::Rate {
                order: a.positional[0].to_string(),
                stars,
                by: a.optional("by"),
            })
        }
        ["status", kind, ..] => {
            let a = Args::new(&words[2..], &[])?;
            match *kind {
                "order" => a
                    .exactly(1, "an order id")
                    .map(|_| Stmt::StatusOrder(a.positional[0].to_string())),
                "driver" => a
                    .exactly(1, "a driver name")
                    .map(|_| Stmt::StatusDriver(a.positional[0].to_string())),
                "orders" => a
                    .exactly(0, "nothing after `status orders`")
                    .map(|_| Stmt::StatusOrders),
                "drivers" => a
                    .exactly(0, "nothing after `status drivers`")
                    .map(|_| Stmt::StatusDrivers),
                other => Err(format!(
                    "unknown status `{other}`; expected order, driver, orders or drivers"
                )),
            }
        }
        ["status"] => Err("expected `status order|driver|orders|drivers`".into()),
        ["top", "drivers", ..] => {
            let a = Args::new(&words[2..], &["by", "limit"])?;
            a.exactly(0, "only options after `top drivers`")?;
            let limit = a
                .optional("limit")
                .map(|v| {
                    v.parse::<usize>()
                        .ok()
                        .filter(|n| *n > 0)
                        .ok_or(format!("invalid limit `{v}`: expected a positive whole number"))
                })
                .transpose()?;
            Ok(Stmt::Top {
                by: rank_by(&a.required("by")?)?,
                limit,
            })
        }
        ["top", ..] => Err("expected `top drivers by=deliveries|rating`".into()),
        ["wait", ..] | ["at", ..] => {
            let a = Args::new(&words[1..], &[])?;
            a.exactly(1, "a duration")?;
            let d = duration(a.positional[0])?;
            Ok(if head[0] == "wait" {
                Stmt::Wait(d)
            } else {
                Stmt::At(d)
            })
        }
        ["set", ..] => {
            let a = Args::new(&words[1..], &["deadline", "policy"])?;
            a.exactly(0, "only options after `set`")?;
            if a.options.is_empty() {
                return Err("`set` needs deadline=DURATION or policy=NAME".into());
            }
            let deadline = a.optional("deadline").map(|v| duration(&v)).transpose()?;
            if deadline == Some(Millis::ZERO) {
                return Err(
                    "`set deadline=` must be above 0s: a zero deadline cancels every order as it is placed"
                        .into(),
                );
            }
            let policy = a
                .optional("policy")
                .map(|v| {
                    Policy::parse(&v).ok_or(format!(
                        "unknown policy `{v}`; expected longest_idle, nearest or random"
                    ))
                })
                .transpose()?;
            Ok(Stmt::Set { deadline, policy })
        }
        ["expect", ..] => parse_expect(&words[1..]).map(Stmt::Expect),
        [other, ..] => Err(format!("unknown command `{other}`")),
        [] => Err("empty line".into()),
    }
}

/// A whole number; one too large for i64 saturates, since any out-of-range star count is
/// refused by the engine as `invalid_argument` rather than being a malformed line.
fn whole_number(text: &str) -> Option<i64> {
    let digits = text.strip_prefix('-').unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(
        text.parse()
            .unwrap_or(if text.starts_with('-') { i64::MIN } else { i64::MAX }),
    )
}

fn parse_expect(words: &[String]) -> Result<Expectation, String> {
    let kind = words.first().map(String::as_str);
    let rest = words.get(1..).unwrap_or(&[]);
    match kind {
        Some("ok") => {
            Args::new(rest, &[])?.exactly(0, "nothing after `expect ok`")?;
            Ok(Expectation::Ok)
        }
        Some("error") => {
            let a = Args::new(rest, &[])?;
            a.exactly(1, "an error code")?;
            let code = a.positional[0];
            Refusal::parse(code)
                .map(Expectation::Error)
                .ok_or_else(|| format!("unknown error code `{code}` in `expect error`"))
        }
        Some("order") => {
            let a = Args::new(rest, &["driver", "reason"])?;
            a.exactly(2, "an order id and a status")?;
            let status = OrderStatus::parse(a.positional[1]).ok_or_else(|| {
                format!("unknown order status `{}`; expected created, assigned, picked_up, delivered or cancelled", a.positional[1])
            })?;
            let reason = a
                .optional("reason")
                .map(|v| {
                    CancelReason::parse(&v)
                        .ok_or(format!("unknown reason `{v}`; expected no_pickup or customer"))
                })
                .transpose()?;
            Ok(Expectation::Order {
                order: a.positional[0].to_string(),
                status,
                driver: a.optional("driver"),
                reason,
            })
        }
        Some("driver") => {
            let a = Args::new(rest, &["order"])?;
            a.exactly(2, "a driver name and a status")?;
            let status = DriverStatus::parse(a.positional[1]).ok_or_else(|| {
                format!(
                    "unknown driver status `{}`; expected idle, assigned or in_transit",
                    a.positional[1]
                )
            })?;
            Ok(Expectation::Driver {
                name: a.positional[0].to_string(),
                status,
                order: a.optional("order"),
            })
        }
        Some("notified") => {
            let a = Args::new(rest, &[])?;
            a.exactly(3, "a name, a notification kind and an order id")?;
            let kind = NoticeKind::parse(a.positional[1]).ok_or_else(|| {
                format!("unknown notification kind `{}`; expected placed, assigned, picked_up, delivered or cancelled", a.positional[1])
            })?;
            Ok(Expectation::Notified {
                name: a.positional[0].to_string(),
                kind,
                order: a.positional[2].to_string(),
            })
        }
        Some("top") => {
            let a = Args::new(rest, &["by"])?;
            a.exactly(1, "a comma-separated list of driver names")?;
            let names: Vec<String> = a.positional[0].split(',').map(str::to_string).collect();
            if names.iter().any(String::is_empty) {
                return Err("empty name in the list of `expect top`".into());
            }
            Ok(Expectation::Top {
                by: rank_by(&a.required("by")?)?,
                names,
            })
        }
        Some(other) => Err(format!("unknown expectation `expect {other}`")),
        None => Err("`expect` needs ok, error, order, driver, notified or top".into()),
    }
}

#[cfg(test)]
mod tests {
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
            Ok(Stmt::Set {
                deadline: Some(Millis(90_000)),
                policy: Some(Policy::Nearest)
            })
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
}
