//! The commands a script line can hold: those of SPEC §4 (both profiles share most of
//! them), `set`, and the dispatch to the food profile's own commands and to `expect`.
//! A command of the other profile is a malformed line, named as such.

use super::args::{duration, location, rank_by, whole_number, Args};
use super::{expect, food, food_only, parcel_only, Settings, Stmt};
use crate::engine::{Policy, Profile};
use crate::time::Millis;

/// Reads one line's words, in a script of `profile`.
pub(super) fn parse_words(words: &[String], profile: Profile) -> Result<Stmt, String> {
    let food = profile == Profile::Food;
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
        ["onboard", "restaurant", ..] if food => food::onboard_restaurant(&words[2..]),
        ["onboard", "restaurant", ..] => Err(food_only("`onboard restaurant`")),
        ["onboard", ..] if food => {
            Err("expected `onboard customer`, `onboard driver` or `onboard restaurant`".into())
        }
        ["onboard", ..] => Err("expected `onboard customer` or `onboard driver`".into()),
        ["items", ..] if food => Err(parcel_only(
            "`items` (the parcel catalog)",
            "a restaurant's dishes show with `status restaurant NAME`",
        )),
        ["items", ..] => {
            Args::new(&words[1..], &[])?.exactly(0, "nothing after `items`")?;
            Ok(Stmt::Items)
        }
        ["catalog", ..] if food => Err(parcel_only(
            "`catalog`",
            "a restaurant's dishes are set with `menu RESTAURANT ITEM price=CENTS`",
        )),
        ["catalog", ..] => {
            let a = Args::new(&words[1..], &[])?;
            if a.positional.is_empty() {
                return Err("`catalog` needs at least one item".into());
            }
            Ok(Stmt::Catalog(
                a.positional.iter().map(|s| s.to_string()).collect(),
            ))
        }
        ["place", "order", ..] => place_order(&words[2..], profile),
        ["place", ..] if food => Err("expected `place order from=… restaurant=… items=ITEM*QTY[,…]`".into()),
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
        ["status", kind, ..] => status(kind, &words[2..], food),
        ["status"] if food => Err("expected `status order|driver|orders|drivers|restaurant|invoice`".into()),
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
        ["set", ..] => set(&words[1..], profile).map(Stmt::Set),
        ["expect", ..] => expect::parse_expect(&words[1..], profile).map(Stmt::Expect),
        [command, ..] if food::is_food_command(command) => {
            if food {
                food::command(words)
            } else {
                Err(food_only(&format!("`{command}`")))
            }
        }
        [other, ..] => Err(format!("unknown command `{other}`")),
        [] => Err("empty line".into()),
    }
}

/// `place order`: the parcel form (`to=`, `item=`) or the food form (`restaurant=`,
/// `items=`), whichever the profile takes.
fn place_order(words: &[String], profile: Profile) -> Result<Stmt, String> {
    let a = Args::new(
        words,
        &["from", "to", "item", "restaurant", "items", "tip", "key"],
    )?;
    a.exactly(0, "only options after `place order`")?;
    match profile {
        Profile::Food => {
            if a.has("to") || a.has("item") {
                return Err(parcel_only(
                    "`place order … to=… item=…`",
                    "a food order is `place order from=CUSTOMER restaurant=NAME items=ITEM*QTY[,ITEM*QTY…]`",
                ));
            }
            Ok(Stmt::PlaceMeal {
                from: a.required("from")?,
                restaurant: a.required("restaurant")?,
                items: a.required("items")?,
                tip: a.optional("tip"),
                key: a.optional("key"),
            })
        }
        Profile::Parcel => {
            if let Some(key) = ["restaurant", "items", "tip"].into_iter().find(|k| a.has(k)) {
                return Err(food_only(&format!("`place order … {key}=…`")));
            }
            Ok(Stmt::Place {
                from: a.required("from")?,
                to: a.required("to")?,
                item: a.required("item")?,
                key: a.optional("key"),
            })
        }
    }
}

/// `status order|driver|orders|drivers`, and in a food script `restaurant|invoice`.
fn status(kind: &str, words: &[String], food: bool) -> Result<Stmt, String> {
    let a = Args::new(words, &[])?;
    match kind {
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
        "restaurant" | "invoice" if !food => Err(food_only(&format!("`status {kind}`"))),
        "restaurant" => a
            .exactly(1, "a restaurant name")
            .map(|_| Stmt::StatusRestaurant(a.positional[0].to_string())),
        "invoice" => a
            .exactly(1, "an order id")
            .map(|_| Stmt::StatusInvoice(a.positional[0].to_string())),
        other if food => Err(format!(
            "unknown status `{other}`; expected order, driver, orders, drivers, restaurant or invoice"
        )),
        other => Err(format!(
            "unknown status `{other}`; expected order, driver, orders or drivers"
        )),
    }
}

/// The `set` options only a food script takes.
const FOOD_SETTINGS: [&str; 5] = ["base_fee", "per_km_fee", "speed_kmh", "key_ttl", "review_after"];

/// `set KEY=VALUE…`. The food options need the food profile, chosen earlier or on this
/// very line; a malformed value is a malformed line (ranges are the engine's to judge).
fn set(words: &[String], profile: Profile) -> Result<Settings, String> {
    let a = Args::new(
        words,
        &[
            "profile",
            "deadline",
            "policy",
            "base_fee",
            "per_km_fee",
            "speed_kmh",
            "key_ttl",
            "review_after",
        ],
    )?;
    a.exactly(0, "only options after `set`")?;
    if a.options.is_empty() {
        return Err("`set` needs deadline=DURATION or policy=NAME".into());
    }
    let chosen = a
        .optional("profile")
        .map(|v| Profile::parse(&v).ok_or(format!("unknown profile `{v}`; expected parcel or food")))
        .transpose()?;
    if chosen.unwrap_or(profile) == Profile::Parcel {
        if let Some(key) = FOOD_SETTINGS.into_iter().find(|k| a.has(k)) {
            return Err(food_only(&format!("`set {key}=`")));
        }
    }
    let deadline = a.optional("deadline").map(|v| duration(&v)).transpose()?;
    if deadline == Some(Millis::ZERO) {
        return Err(
            "`set deadline=` must be above 0s: a zero deadline cancels every order as it is placed".into(),
        );
    }
    let key_ttl = a.optional("key_ttl").map(|v| duration(&v)).transpose()?;
    if key_ttl == Some(Millis::ZERO) {
        return Err("`set key_ttl=` must be above 0s: a key that never lives guards nothing".into());
    }
    let policy = a
        .optional("policy")
        .map(|v| {
            Policy::parse(&v).ok_or(format!(
                "unknown policy `{v}`; expected longest_idle, nearest or random"
            ))
        })
        .transpose()?;
    let speed_kmh = a
        .optional("speed_kmh")
        .map(|v| {
            speed(&v).ok_or(format!(
                "invalid `speed_kmh={v}`: expected a number such as 25 or 12.5"
            ))
        })
        .transpose()?;
    Ok(Settings {
        profile: chosen,
        deadline,
        policy,
        base_fee: a.count("base_fee")?,
        per_km_fee: a.count("per_km_fee")?,
        speed_kmh,
        key_ttl,
        review_after: a.count("review_after")?,
    })
}

/// A speed in km/h: digits with an optional fraction (`25`, `12.5`).
fn speed(text: &str) -> Option<f64> {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, "0"));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    (digits(whole) && digits(fraction))
        .then(|| text.parse().ok())
        .flatten()
}
