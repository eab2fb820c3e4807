//! The food profile's part of a scenario (SPEC §8.5): the `[restaurants]` and `[pricing]`
//! sections, and [`FoodLoad`], every food setting resolved to its value or its default in
//! one place, for the shells that generate food load.

use serde::Deserialize;

use super::{limits, DurationDist, NumberDist, Probability, Scenario};
use crate::engine::food::MAX_AMOUNT;

/// `[restaurants]`: generated restaurants and their menus.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Restaurants {
    /// `restaurant-1` … `restaurant-N`, placed uniformly in the area.
    #[serde(default = "defaults::count", deserialize_with = "limits::restaurants")]
    pub count: u32,
    /// Confirm → ready (the kitchen starts at once on confirmation).
    #[serde(default = "defaults::prep")]
    pub prep: DurationDist,
    /// Placement → the restaurant's answer (confirm or reject).
    #[serde(default = "defaults::confirm_delay")]
    pub confirm_delay: DurationDist,
    /// Probability that the restaurant rejects an order.
    #[serde(default)]
    pub reject: Probability,
    /// Items per menu: `item-1` … `item-N`.
    #[serde(default = "defaults::menu", deserialize_with = "limits::menu")]
    pub menu: u32,
    /// Each dish's price, drawn once per restaurant and item, rounded to whole cents.
    #[serde(default = "defaults::price_cents")]
    pub price_cents: NumberDist,
    /// Portions of each dish at the start; absent: unlimited.
    #[serde(default, deserialize_with = "amount_opt")]
    pub stock: Option<u64>,
}

/// `[pricing]`: the delivery fee (SPEC §8.2.2).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pricing {
    /// The fee's fixed part, cents.
    #[serde(default = "defaults::base_fee", deserialize_with = "amount")]
    pub base_fee_cents: u64,
    /// Cents per haversine km from restaurant to customer.
    #[serde(default = "defaults::per_km", deserialize_with = "amount")]
    pub per_km_cents: u64,
}

/// Every food setting of a scenario, defaults filled in.
#[derive(Clone, Debug)]
pub struct FoodLoad {
    /// The restaurants.
    pub restaurants: Restaurants,
    /// The delivery fee.
    pub pricing: Pricing,
    /// Lines per order (rounded, at least 1 and at most the menu).
    pub lines: NumberDist,
    /// Quantity of each line (rounded, 1 to 99).
    pub quantity: NumberDist,
    /// Tip per order, cents (rounded, at most 10⁹).
    pub tip_cents: NumberDist,
    /// At the door, after travel.
    pub dropoff: DurationDist,
    /// Failed pickups in a week that flag a driver for review.
    pub review_after: u32,
}

impl Scenario {
    /// The food settings, each as written or its default (meaningful for a food scenario).
    pub fn food(&self) -> FoodLoad {
        let demand = &self.demand;
        let pick = |given: &Option<toml::Spanned<NumberDist>>, default: &str| {
            given
                .as_ref()
                .map_or_else(|| defaults::number(default), |d| d.get_ref().clone())
        };
        FoodLoad {
            restaurants: self
                .restaurants
                .as_ref()
                .map_or_else(Restaurants::default, |r| r.get_ref().clone()),
            pricing: self
                .pricing
                .as_ref()
                .map_or_else(Pricing::default, |p| p.get_ref().clone()),
            lines: pick(&demand.lines, "uniform(1, 3)"),
            quantity: pick(&demand.quantity, "uniform(1, 2)"),
            tip_cents: pick(&demand.tip_cents, "uniform(0, 400)"),
            dropoff: self.behavior.dropoff.as_ref().map_or_else(
                || defaults::duration("lognormal(2m, 1m)"),
                |d| d.get_ref().clone(),
            ),
            review_after: self.dispatch.review_after.as_ref().map_or(3, |r| *r.get_ref()),
        }
    }
}

fn amount<'de, D: serde::Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    use serde::de::Error as _;
    let n = i64::deserialize(d)?;
    match u64::try_from(n) {
        Ok(n) if n <= MAX_AMOUNT => Ok(n),
        _ => Err(D::Error::custom(format!(
            "must be from 0 to {MAX_AMOUNT} cents, found {n}"
        ))),
    }
}

fn amount_opt<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    amount(d).map(Some)
}

/// `dispatch.review_after`: 1 to [`crate::engine::food::FoodSettings::MAX_REVIEW_AFTER`].
pub(super) fn review_after<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<toml::Spanned<u32>>, D::Error> {
    use serde::de::Error as _;
    let n = toml::Spanned::<i64>::deserialize(d)?;
    let max = crate::engine::food::FoodSettings::MAX_REVIEW_AFTER;
    match u32::try_from(*n.get_ref()) {
        Ok(v) if (1..=max).contains(&v) => Ok(Some(toml::Spanned::new(n.span(), v))),
        _ => Err(D::Error::custom(format!(
            "must be from 1 to {max} failed pickups, found {}",
            n.get_ref()
        ))),
    }
}

pub(super) mod defaults {
    use super::super::dist::Dist;
    use super::*;

    pub fn number(text: &str) -> NumberDist {
        NumberDist(
            Dist::parse(text, |v| v.trim().parse::<f64>().map_err(|e| e.to_string()))
                .unwrap_or_else(|e| unreachable!("default {text}: {e}")),
        )
    }
    pub fn duration(text: &str) -> DurationDist {
        DurationDist::parse(text).unwrap_or_else(|e| unreachable!("default {text}: {e}"))
    }
    pub fn count() -> u32 {
        10
    }
    pub fn prep() -> DurationDist {
        duration("lognormal(12m, 4m)")
    }
    pub fn confirm_delay() -> DurationDist {
        duration("uniform(10s, 90s)")
    }
    pub fn menu() -> u32 {
        12
    }
    pub fn price_cents() -> NumberDist {
        number("uniform(600, 2400)")
    }
    pub fn base_fee() -> u64 {
        299
    }
    pub fn per_km() -> u64 {
        50
    }
}

super::default_from_serde!(Restaurants, Pricing);
