//! The script grammar of SPEC §4 and §8.4: each line becomes a [`Stmt`], or a parse error
//! naming the line. The whole file is parsed before anything runs, so a typo on line 90
//! stops the script before line 1 prints a thing.
//!
//! A script's profile is known while parsing: `set profile=food` must be its first command,
//! and from then on the parser refuses parcel-only lines (`catalog`, `items`, a parcel
//! `place order`, `reason=no_pickup`), as it refuses food-only lines in a parcel script.
//!
//! `args` splits a command's words into positional words and options, `commands` reads the
//! commands both profiles share (and `set`), `food` the food profile's own, `expect` the
//! `expect` lines.

mod args;
mod commands;
mod expect;
mod food;

use crate::engine::{
    CancelReason, DriverStatus, EngineConfig, KitchenStep, LatLon, NoticeKind, OrderStatus, Policy, Profile,
    RankBy, Refusal,
};
use crate::time::Millis;

use super::lexer;

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
#[allow(missing_docs)] // Fields mirror the SPEC §4 and §8.4 syntax one to one.
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
    Set(Settings),
    /// Food: `onboard restaurant`. `open` is kept as written: anything but `yes` or `no`
    /// is a refusal (`invalid_argument`) when the line runs, not a malformed line.
    OnboardRestaurant {
        name: String,
        at: LatLon,
        email: Option<String>,
        phone: Option<String>,
        prep: Millis,
        open: Option<String>,
    },
    /// Food: `menu`. Amounts are kept as written and read when the line runs, so that an
    /// unknown restaurant is reported before a malformed price (SPEC §8.3's precedence).
    Menu {
        restaurant: String,
        item: String,
        price: String,
        stock: Option<String>,
    },
    /// Food: `restock`, its amount as written.
    Restock {
        restaurant: String,
        item: String,
        amount: String,
    },
    /// Food: `open` (true) or `close`.
    SetOpen {
        restaurant: String,
        open: bool,
    },
    /// Food: `place order … restaurant=… items=…`; `items` and `tip` as written.
    PlaceMeal {
        from: String,
        restaurant: String,
        items: String,
        tip: Option<String>,
        key: Option<String>,
    },
    /// Food: `confirm`, `reject`, `prepare` or `ready`.
    Kitchen {
        step: KitchenStep,
        order: String,
    },
    /// Food: `release DRIVER ORDER`.
    Release {
        driver: String,
        order: String,
    },
    /// Food: `status restaurant NAME`.
    StatusRestaurant(String),
    /// Food: `status invoice ORDER`.
    StatusInvoice(String),
    Expect(Expectation),
}

/// The options of one `set` line; `None` leaves a setting as it is.
#[derive(Clone, Debug, Default, PartialEq)]
#[allow(missing_docs)] // One field per `set` option of SPEC §4 and §8.4.
pub struct Settings {
    pub profile: Option<Profile>,
    pub deadline: Option<Millis>,
    pub policy: Option<Policy>,
    pub base_fee: Option<u64>,
    pub per_km_fee: Option<u64>,
    pub speed_kmh: Option<f64>,
    pub key_ttl: Option<Millis>,
    pub review_after: Option<u32>,
}

impl Settings {
    /// Changes `config` as the line says. A profile comes first and starts from that
    /// profile's defaults ([`EngineConfig::for_profile`]); the other options apply on top.
    pub fn apply_to(&self, config: &mut EngineConfig) {
        if let Some(profile) = self.profile {
            *config = EngineConfig::for_profile(profile);
        }
        if let Some(deadline) = self.deadline {
            config.pickup_deadline = deadline;
        }
        if let Some(policy) = self.policy {
            config.policy = policy;
        }
        if let Some(fee) = self.base_fee {
            config.food.base_fee = fee;
        }
        if let Some(fee) = self.per_km_fee {
            config.food.per_km_fee = fee;
        }
        if let Some(speed) = self.speed_kmh {
            config.food.speed_kmh = speed;
        }
        if let Some(ttl) = self.key_ttl {
            config.key_ttl = Some(ttl);
        }
        if let Some(n) = self.review_after {
            config.food.review_after = n;
        }
    }
}

/// An `expect` line.
#[derive(Clone, Debug, PartialEq)]
#[allow(missing_docs)] // Fields mirror the SPEC §4 and §8.4 syntax one to one.
pub enum Expectation {
    Ok,
    Error(Refusal),
    Order {
        order: String,
        status: OrderStatus,
        driver: Option<String>,
        reason: Option<CancelReason>,
    },
    /// `at`, `failed_pickups` and `review` are food-only.
    Driver {
        name: String,
        status: DriverStatus,
        order: Option<String>,
        at: Option<LatLon>,
        failed_pickups: Option<u32>,
        review: Option<bool>,
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
    /// Food: the invoice's amounts in cents; only those given are compared.
    Invoice {
        order: String,
        subtotal: Option<u64>,
        fee: Option<u64>,
        tip: Option<u64>,
        total: Option<u64>,
        refunded: Option<u64>,
    },
    /// Food: a dish's stock; `None` is unlimited.
    Stock {
        restaurant: String,
        item: String,
        stock: Option<u64>,
    },
    /// Food: an order's ETA, as time from 0.
    Eta {
        order: String,
        eta: Millis,
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
    let mut profile_chosen = false;
    let mut profile = Profile::Parcel;
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
        let stmt = commands::parse_words(&words, profile).map_err(fail)?;
        match &stmt {
            Stmt::Expect(Expectation::Ok | Expectation::Error(_)) if !seen_command => {
                return Err(fail(
                    "`expect ok` and `expect error` need a command before them".into(),
                ));
            }
            Stmt::Expect(_) => {}
            Stmt::Set(Settings {
                profile: Some(chosen),
                ..
            }) => {
                if profile_chosen {
                    return Err(fail(
                        "`set profile=` is given twice: a script chooses its profile once, on its first command"
                            .into(),
                    ));
                }
                if seen_command {
                    return Err(fail(
                        "`set profile=` must be the script's first command, before anything is set or onboarded"
                            .into(),
                    ));
                }
                profile = *chosen;
                profile_chosen = true;
                seen_command = true;
            }
            _ => seen_command = true,
        }
        let text = lexer::code_part(raw).trim().to_string();
        lines.push(Line { number, text, stmt });
    }
    Ok(lines)
}

/// The words for a food-only line in a parcel script.
fn food_only(what: &str) -> String {
    format!(
        "{what} is food-only: choose the food profile with `set profile=food` as the script's first command"
    )
}

/// The words for a parcel-only line in a food script.
fn parcel_only(what: &str, instead: &str) -> String {
    format!("{what} is parcel-only and cannot appear in a food script; {instead}")
}

#[cfg(test)]
mod food_tests;
#[cfg(test)]
mod profile_tests;
#[cfg(test)]
mod tests;
