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
mod tests;
