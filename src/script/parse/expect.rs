//! `expect` lines (SPEC §4, §8.4). Their values are assertions, so a malformed one (an
//! unknown status, a number that is not digits) is a malformed line. Statuses, reasons and
//! notification kinds are those of the script's profile; the food-only forms (`invoice`,
//! `stock`, `eta`, a driver's `at=`, `failed_pickups=`, `review=`) need the food profile.

use super::args::{count, duration, location, rank_by, yes_no, Args};
use super::{food_only, parcel_only, Expectation};
use crate::engine::{CancelReason, DriverStatus, NoticeKind, OrderStatus, Profile, Refusal};

/// Reads the words after `expect`, in a script of `profile`.
pub(super) fn parse_expect(words: &[String], profile: Profile) -> Result<Expectation, String> {
    let food = profile == Profile::Food;
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
        Some("order") => order(rest, profile),
        Some("driver") => driver(rest, food),
        Some("notified") => {
            let a = Args::new(rest, &[])?;
            a.exactly(3, "a name, a notification kind and an order id")?;
            Ok(Expectation::Notified {
                name: a.positional[0].to_string(),
                kind: notice_kind(a.positional[1], profile)?,
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
        Some(form @ ("invoice" | "stock" | "eta")) if !food => Err(food_only(&format!("`expect {form}`"))),
        Some("invoice") => {
            let a = Args::new(rest, &["subtotal", "fee", "tip", "total", "refunded"])?;
            a.exactly(1, "an order id")?;
            Ok(Expectation::Invoice {
                order: a.positional[0].to_string(),
                subtotal: a.count("subtotal")?,
                fee: a.count("fee")?,
                tip: a.count("tip")?,
                total: a.count("total")?,
                refunded: a.count("refunded")?,
            })
        }
        Some("stock") => {
            let a = Args::new(rest, &[])?;
            a.exactly(3, "a restaurant, an item and a stock (a number or unlimited)")?;
            let stock = match a.positional[2] {
                "unlimited" => None,
                n => Some(count(n).ok_or_else(|| {
                    format!("invalid stock `{n}`: expected a whole number of plain digits or unlimited")
                })?),
            };
            Ok(Expectation::Stock {
                restaurant: a.positional[0].to_string(),
                item: a.positional[1].to_string(),
                stock,
            })
        }
        Some("eta") => {
            let a = Args::new(rest, &[])?;
            a.exactly(2, "an order id and a duration")?;
            Ok(Expectation::Eta {
                order: a.positional[0].to_string(),
                eta: duration(a.positional[1])?,
            })
        }
        Some(other) => Err(format!("unknown expectation `expect {other}`")),
        None if food => {
            Err("`expect` needs ok, error, order, driver, notified, top, invoice, stock or eta".into())
        }
        None => Err("`expect` needs ok, error, order, driver, notified or top".into()),
    }
}

/// `expect order ORDER STATUS [driver=NAME] [reason=…]`.
fn order(words: &[String], profile: Profile) -> Result<Expectation, String> {
    let a = Args::new(words, &["driver", "reason"])?;
    a.exactly(2, "an order id and a status")?;
    let status = OrderStatus::parse(a.positional[1])
        .filter(|s| profile.uses(*s))
        .ok_or_else(|| {
            let known: Vec<&str> = profile.statuses().map(OrderStatus::as_str).collect();
            format!(
                "unknown order status `{}`; expected {}",
                a.positional[1],
                one_of(&known)
            )
        })?;
    let reason = a.optional("reason").map(|v| reason(&v, profile)).transpose()?;
    Ok(Expectation::Order {
        order: a.positional[0].to_string(),
        status,
        driver: a.optional("driver"),
        reason,
    })
}

/// A cancellation reason of the profile.
fn reason(text: &str, profile: Profile) -> Result<CancelReason, String> {
    match (CancelReason::parse(text), profile) {
        (Some(CancelReason::NoPickup), Profile::Food) => Err(parcel_only(
            "`reason=no_pickup`",
            "a food order whose pickup lapses is unassigned and dispatched again, not cancelled",
        )),
        (Some(CancelReason::RestaurantRejected), Profile::Parcel) => {
            Err(food_only("`reason=restaurant_rejected`"))
        }
        (Some(reason), _) => Ok(reason),
        (None, Profile::Food) => Err(format!(
            "unknown reason `{text}`; expected customer or restaurant_rejected"
        )),
        (None, Profile::Parcel) => Err(format!("unknown reason `{text}`; expected no_pickup or customer")),
    }
}

/// `expect driver NAME STATUS [order=] [at=] [failed_pickups=] [review=]`.
fn driver(words: &[String], food: bool) -> Result<Expectation, String> {
    let a = Args::new(words, &["order", "at", "failed_pickups", "review"])?;
    a.exactly(2, "a driver name and a status")?;
    if !food {
        if let Some(key) = ["at", "failed_pickups", "review"].into_iter().find(|k| a.has(k)) {
            return Err(food_only(&format!("`expect driver … {key}=`")));
        }
    }
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
        at: location(a.optional("at"))?,
        failed_pickups: a.count("failed_pickups")?,
        review: a.optional("review").map(|v| yes_no("review", &v)).transpose()?,
    })
}

/// A notification kind the profile sends.
fn notice_kind(text: &str, profile: Profile) -> Result<NoticeKind, String> {
    let kinds: &[NoticeKind] = match profile {
        Profile::Parcel => &NoticeKind::ALL[..5],
        Profile::Food => &NoticeKind::ALL,
    };
    match NoticeKind::parse(text) {
        Some(kind) if kinds.contains(&kind) => Ok(kind),
        Some(_) => Err(food_only(&format!("the `{text}` notification"))),
        None => {
            let known: Vec<&str> = kinds.iter().map(|k| k.as_str()).collect();
            Err(format!(
                "unknown notification kind `{text}`; expected {}",
                one_of(&known)
            ))
        }
    }
}

/// `a, b or c`.
fn one_of(words: &[&str]) -> String {
    match words {
        [] => String::new(),
        [one] => one.to_string(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}
