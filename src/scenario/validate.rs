//! The rules that tie a scenario's fields together or bound them (names, the catalog, the
//! profile's order, the area, the product of rate and horizon, `nearest` needing an area),
//! checked once every field has parsed on its own. Each failure names the field; the policy
//! rule also carries its position.

use super::{limits, Scenario};
use crate::engine::{LatLon, Policy};

pub(super) type Invalid = (Option<std::ops::Range<usize>>, &'static str, String);

pub(super) fn validate(s: &Scenario) -> Result<(), Invalid> {
    let fail = |field: &'static str, message: String| Err((None, field, message));
    // The name is given (an empty one becomes the file's stem later) and names a folder.
    let bad_name = s.name == "."
        || s.name == ".."
        || s.name.contains(['/', '\\'])
        || s.name.chars().any(char::is_control)
        || (!s.name.is_empty() && s.name.trim().is_empty());
    if bad_name {
        return fail(
            "name",
            format!(
                "{:?} cannot be a report folder name: it needs a visible character, and no slash, control character, `.` or `..`",
                s.name
            ),
        );
    }
    if s.name.chars().count() > limits::MAX_NAME_CHARS {
        return fail(
            "name",
            format!(
                "at most {} characters, found {}",
                limits::MAX_NAME_CHARS,
                s.name.chars().count()
            ),
        );
    }
    profile_fit(s)?;
    if s.demand.profile.len() > limits::MAX_PROFILE_STEPS {
        return fail(
            "demand.profile",
            format!(
                "at most {} steps, found {}",
                limits::MAX_PROFILE_STEPS,
                s.demand.profile.len()
            ),
        );
    }
    if !s.is_food() {
        items(&s.catalog())?;
    } else {
        food(s)?;
    }
    let orders_possible =
        s.demand.rate.per_ms() > 0.0 || s.demand.profile.iter().any(|p| p.rate.per_ms() > 0.0);
    if orders_possible && s.demand.customers < 2 && !s.is_food() {
        return fail(
            "demand.customers",
            "at least 2 customers are needed: sender and recipient differ".into(),
        );
    }
    for pair in s.demand.profile.windows(2) {
        if pair[1].from.0 <= pair[0].from.0 {
            return fail(
                "demand.profile",
                format!(
                    "steps must start at increasing times; {} comes after {}",
                    pair[1].from.0, pair[0].from.0
                ),
            );
        }
    }
    // Stars are 1 to 5: a spread past 100 means nothing more, and a bounded one keeps every
    // rating a finite number (an unbounded one could make mean + spread × deviate NaN).
    if !(s.behavior.rating.spread >= 0.0 && s.behavior.rating.spread <= 100.0) {
        return fail(
            "behavior.rating.spread",
            format!(
                "must be a number from 0 to 100, found {}",
                s.behavior.rating.spread
            ),
        );
    }
    if let Some(area) = &s.area {
        if LatLon::new(area.center[0], area.center[1]).is_none() {
            return fail(
                "area.center",
                "must be [LAT, LON] with LAT in -90..=90 and LON in -180..=180".into(),
            );
        }
        if !(area.radius_km > 0.0 && area.radius_km <= limits::MAX_RADIUS_KM) {
            return fail(
                "area.radius_km",
                format!(
                    "must be above 0 and at most {} km, found {}",
                    limits::MAX_RADIUS_KM,
                    area.radius_km
                ),
            );
        }
        // Points are placed on a flat disc around the centre; one that reaches a pole has
        // no sensible positions beyond it.
        let reach_degrees = area.radius_km / crate::engine::geo::EARTH_RADIUS_KM.to_radians();
        if area.center[0].abs() + reach_degrees >= 90.0 {
            return fail(
                "area.radius_km",
                format!(
                    "a disc of {} km around latitude {} reaches a pole; move the centre or shrink the radius",
                    area.radius_km, area.center[0]
                ),
            );
        }
        let (slowest, fastest) = limits::SPEED_KMH;
        if !(area.speed_kmh >= slowest && area.speed_kmh <= fastest) {
            return fail(
                "area.speed_kmh",
                format!(
                    "must be between {slowest} and {fastest} km/h, found {}",
                    area.speed_kmh
                ),
            );
        }
    }
    let expected = s.expected_orders();
    if expected > limits::MAX_EXPECTED_ORDERS {
        let field = if s.demand.profile.is_empty() {
            "demand.rate"
        } else {
            "demand.profile"
        };
        return fail(
            field,
            format!(
                "the rate over the horizon ({}) would place about {expected:.3e} orders; the limit is {:.0e}: lower the rate or shorten the horizon",
                s.horizon.0,
                limits::MAX_EXPECTED_ORDERS
            ),
        );
    }
    if s.policy() == Policy::Nearest && s.area.is_none() {
        return Err((
            s.dispatch.policy.as_ref().map(|p| p.span()),
            "dispatch.policy",
            "`nearest` needs an [area] section: without positions there is no nearest driver".into(),
        ));
    }
    Ok(())
}

/// The catalog of a parcel scenario: 1 to [`limits::MAX_ITEMS`] distinct visible names.
fn items(items: &[String]) -> Result<(), Invalid> {
    let fail = |field: &'static str, message: String| Err((None, field, message));
    if items.is_empty() {
        return fail("items", "the catalog needs at least one item".into());
    }
    if items.len() > limits::MAX_ITEMS {
        return fail(
            "items",
            format!("at most {} items, found {}", limits::MAX_ITEMS, items.len()),
        );
    }
    if let Some(bad) = items
        .iter()
        .find(|item| item.trim().is_empty() || item.chars().any(char::is_control))
    {
        return fail(
            "items",
            format!(
                "{bad:?} cannot be an item name: it must have a visible character and no control characters"
            ),
        );
    }
    if let Some(dup) = items
        .iter()
        .enumerate()
        .find(|(i, item)| items[..*i].contains(item))
    {
        return fail("items", format!("item `{}` appears twice", dup.1));
    }
    Ok(())
}

/// Each field belongs to one profile: the other's is refused where it was written, with
/// what to write instead.
fn profile_fit(s: &Scenario) -> Result<(), Invalid> {
    type Span = Option<std::ops::Range<usize>>;
    let food_only: [(Span, &'static str, &str); 7] = [
        (
            s.restaurants.as_ref().map(|r| r.span()),
            "restaurants",
            "restaurants cook meals",
        ),
        (
            s.pricing.as_ref().map(|p| p.span()),
            "pricing",
            "the delivery fee is a meal's",
        ),
        (
            s.demand.lines.as_ref().map(|d| d.span()),
            "demand.lines",
            "a parcel is one item",
        ),
        (
            s.demand.quantity.as_ref().map(|d| d.span()),
            "demand.quantity",
            "a parcel is one item",
        ),
        (
            s.demand.tip_cents.as_ref().map(|d| d.span()),
            "demand.tip_cents",
            "parcels carry no tip",
        ),
        (
            s.behavior.dropoff.as_ref().map(|d| d.span()),
            "behavior.dropoff",
            "a parcel's last leg is `behavior.delivery_time`",
        ),
        (
            s.dispatch.review_after.as_ref().map(|d| d.span()),
            "dispatch.review_after",
            "parcel drivers are not reviewed",
        ),
    ];
    let parcel_only: [(Span, &'static str, &str); 2] = [
        (
            s.items.as_ref().map(|i| i.span()),
            "items",
            "a meal's dishes come from `[restaurants] menu`",
        ),
        (
            s.behavior.delivery_time.as_ref().map(|d| d.span()),
            "behavior.delivery_time",
            "a meal's last leg is `behavior.dropoff`",
        ),
    ];
    let (wrong, profile, other) = if s.is_food() {
        (&parcel_only[..], "food", "parcel")
    } else {
        (&food_only[..], "parcel", "food")
    };
    match wrong.iter().find(|(span, ..)| span.is_some()) {
        Some((span, field, why)) => Err((
            span.clone(),
            field,
            format!("a {other} field, and this is a {profile} scenario ({why}); set `profile = \"{other}\"` to use it, or remove it"),
        )),
        None => Ok(()),
    }
}

/// The food profile's own rules: an area, a restaurant to order from, a bounded number of
/// dishes, and integer distributions that can draw a valid value.
fn food(s: &Scenario) -> Result<(), Invalid> {
    let fail = |field: &'static str, message: String| Err((None, field, message));
    if s.area.is_none() {
        return fail(
            "area",
            "a food scenario needs an [area] section: restaurants, customers and drivers have places, and the fee and the travel depend on them".into(),
        );
    }
    let food = s.food();
    let r = &food.restaurants;
    let dishes = u64::from(r.count) * u64::from(r.menu);
    if dishes > limits::MAX_DISHES {
        return fail(
            "restaurants.menu",
            format!(
                "{} restaurants × {} dishes is {dishes} dishes; at most {} in all",
                r.count,
                r.menu,
                limits::MAX_DISHES
            ),
        );
    }
    let orders_possible =
        s.demand.rate.per_ms() > 0.0 || s.demand.profile.iter().any(|p| p.rate.per_ms() > 0.0);
    if orders_possible && r.count == 0 {
        return fail(
            "restaurants.count",
            "orders arrive, so at least 1 restaurant is needed".into(),
        );
    }
    if orders_possible && s.demand.customers == 0 {
        return fail(
            "demand.customers",
            "orders arrive, so at least 1 customer is needed".into(),
        );
    }
    Ok(())
}
