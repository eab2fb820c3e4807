//! Placing a meal (SPEC §8.2.1–3, §8.2.11, §8.3): the checks in the SPEC's precedence, the
//! idempotency key, all-or-nothing stock, the invoice and the ETA.

use super::model::{FoodOrder, Invoice, Line, MAX_AMOUNT, MAX_QUANTITY};
use crate::engine::geo::travel_ms;
use crate::engine::keys::Placement;
use crate::engine::{
    CustomerId, Effects, Engine, Event, LatLon, NoticeKind, Order, OrderDetail, Profile, Refusal, Reply,
    RestaurantId,
};
use crate::time::Millis;

/// What is wrong with a meal's lines, tip or key, if anything: the one place that decides
/// a placement's `invalid_argument` for them (the engine refuses when this is `Some`, and
/// the words are its refusal's message). Nothing is built when all is well.
pub(in crate::engine) fn bad_meal(lines: &[Line], tip: u64, key: Option<&str>) -> Option<String> {
    if lines.is_empty() {
        return Some("an order needs at least one line".into());
    }
    if let Some(line) = lines.iter().find(|l| !(1..=MAX_QUANTITY).contains(&l.quantity)) {
        return Some(format!("quantities are 1 to 99, found {}", line.quantity));
    }
    let twice = lines
        .iter()
        .enumerate()
        .any(|(i, l)| lines[..i].iter().any(|m| m.item == l.item));
    if twice {
        return Some("an item appears on two lines".into());
    }
    if tip > MAX_AMOUNT {
        return Some("a tip is at most 1000000000 cents".into());
    }
    if key == Some("") {
        return Some("an idempotency key cannot be empty".into());
    }
    None
}

/// Rounds half away from zero to a whole number, saturating into `u64` (inputs here are
/// never negative and far below its range).
fn round_to_u64(x: f64) -> u64 {
    x.round() as u64
}

/// The delivery fee in cents: base + round(per km × haversine km), half away from zero.
pub fn delivery_fee(base_fee: u64, per_km_fee: u64, from: LatLon, to: LatLon) -> u64 {
    base_fee + round_to_u64(per_km_fee as f64 * from.haversine_km(to))
}

impl Engine {
    #[allow(clippy::too_many_arguments)]
    pub(in crate::engine) fn place_meal(
        &mut self,
        now: Millis,
        customer: CustomerId,
        restaurant: RestaurantId,
        lines: &[Line],
        tip: u64,
        key: Option<&str>,
        fx: &mut Effects,
    ) -> Result<Reply, Refusal> {
        self.require(Profile::Food)?;
        let home = self.customer(customer)?.location;
        let r = self.restaurant(restaurant)?;
        if lines.iter().any(|l| l.item.index() >= r.menu.len()) {
            return Err(Refusal::UnknownItem);
        }
        if bad_meal(lines, tip, key).is_some() {
            return Err(Refusal::InvalidArgument);
        }
        let Some(home) = home else {
            return Err(Refusal::InvalidArgument);
        };
        let details = Placement::food(customer, restaurant, lines, tip);
        if let Some(existing) = self.repeated_key(now, key, &details)? {
            return Ok(existing.reply(fx));
        }
        if !r.open {
            return Err(Refusal::RestaurantClosed);
        }
        let short = lines.iter().any(|l| {
            r.menu[l.item.index()]
                .stock
                .is_some_and(|s| s < u64::from(l.quantity))
        });
        if short {
            return Err(Refusal::OutOfStock);
        }
        let id = self.orders.try_next_id().ok_or(Refusal::InvalidArgument)?;

        let prices: Vec<u64> = lines.iter().map(|l| r.menu[l.item.index()].price).collect();
        // price ≤ 10⁹ and quantity ≤ 99 per line, lines ≤ the menu's length: far from u64's end.
        let subtotal = lines
            .iter()
            .zip(&prices)
            .map(|(l, p)| p * u64::from(l.quantity))
            .sum::<u64>();
        let settings = &self.config.food;
        let delivery_fee = delivery_fee(settings.base_fee, settings.per_km_fee, r.location, home);
        let invoice = Invoice {
            subtotal,
            delivery_fee,
            tip,
            total: subtotal + delivery_fee + tip,
            refunded: 0,
        };
        let eta = self.eta(now, restaurant, home);

        let menu = &mut self.restaurants[restaurant.index()].menu;
        for line in lines {
            if let Some(stock) = &mut menu[line.item.index()].stock {
                *stock -= u64::from(line.quantity);
            }
        }
        let food = OrderDetail::Food(Box::new(FoodOrder {
            restaurant,
            lines: lines.to_vec(),
            prices,
            invoice,
            eta,
            confirmed_at: None,
            preparing_at: None,
            ready_at: None,
            failed_drivers: Vec::new(),
        }));
        self.orders
            .push(Order::new(id, (customer, customer), key, now, food));
        if let Some(k) = key {
            self.keys.insert(now, k, id, details, self.config.key_ttl);
        }
        fx.events.push(Event::Placed(id));
        self.tell_parties(fx, NoticeKind::Placed, id);
        Ok(Reply::Placed {
            order: id,
            duplicate: false,
        })
    }

    /// The ETA of a meal placed at `now` (SPEC §8.2.11): the restaurant's mean prep time,
    /// travel from the nearest idle driver to the restaurant (if none is idle, the nearest
    /// driver; none at all: 0), and travel from the restaurant to the customer.
    fn eta(&self, now: Millis, restaurant: RestaurantId, home: LatLon) -> Millis {
        let r = &self.restaurants[restaurant.index()];
        let speed = self.config.food.speed_kmh;
        let nearest_idle = self
            .idle
            .nearest(r.location)
            .and_then(|d| self.drivers[d.index()].location);
        let fetcher = nearest_idle.or_else(|| {
            self.drivers
                .iter()
                .filter_map(|d| d.location)
                .map(|at| (at.haversine_km(r.location), at))
                .min_by(|a, b| a.0.total_cmp(&b.0))
                .map(|(_, at)| at)
        });
        let to_restaurant = fetcher.map_or(Millis::ZERO, |at| travel_ms(at, r.location, speed));
        let to_customer = travel_ms(r.location, home, speed);
        Millis(
            now.as_ms()
                .saturating_add(r.prep.as_ms())
                .saturating_add(to_restaurant.as_ms())
                .saturating_add(to_customer.as_ms()),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fees_and_travel_round_half_away_from_zero() {
        let a = LatLon::new(52.52, 13.405).unwrap();
        let b = LatLon::new(52.53, 13.405).unwrap();
        let km = a.haversine_km(b);
        assert!((km - 1.111_949).abs() < 1e-5, "{km}");
        assert_eq!(delivery_fee(299, 50, a, b), 299 + 56);
        // 1.111949 km at 25 km/h = 160.12 s.
        assert_eq!(travel_ms(a, b, 25.0), Millis(160_121));
        assert_eq!(round_to_u64(2.5), 3);
        assert_eq!(round_to_u64(0.4999), 0);
    }
}
