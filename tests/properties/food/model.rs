//! The test's own model of a food platform, kept from the commands it sent and the events
//! it saw, never read from the engine's bookkeeping: every meal's lines, invoice, status
//! history, holder, failed drivers and first ready time; each dish's initial stock and
//! restocks; keys; drivers' failed pickups. With it, the SPEC written down independently:
//! the moves of §8.1 by hand, and the answer (success or refusal code, in §3/§8.2's
//! precedence) that each command must get.

use super::*;

/// The order status moves of SPEC §8.1, written out by hand, and nothing else.
pub(crate) fn spec_move(from: OrderStatus, to: OrderStatus) -> bool {
    use OrderStatus::*;
    matches!(
        (from, to),
        (Pending, Confirmed)
            | (Pending, Cancelled)
            | (Confirmed, Preparing)
            | (Confirmed, Cancelled)
            | (Preparing, Ready)
            | (Preparing, Cancelled)
            | (Ready, Assigned)
            | (Ready, Cancelled)
            | (Assigned, PickedUp)
            | (Assigned, Ready)
            | (Assigned, Cancelled)
            | (PickedUp, Delivered)
    )
}

/// The status a restaurant move starts from (SPEC §8.2.4, §8.3: reject only from pending).
pub(crate) fn kitchen_from(step: KitchenStep) -> OrderStatus {
    match step {
        KitchenStep::Confirm | KitchenStep::Reject => OrderStatus::Pending,
        KitchenStep::Prepare => OrderStatus::Confirmed,
        KitchenStep::Ready => OrderStatus::Preparing,
    }
}

/// A dish as the test knows it.
#[derive(Clone, Debug)]
pub(crate) struct Dish {
    pub(crate) price: u64,
    /// The stock it was put on the menu with; `None`: unlimited.
    pub(crate) initial: Option<u64>,
    /// Portions restocked since.
    pub(crate) restocked: u64,
}

/// A meal as the test knows it.
#[derive(Clone, Debug)]
pub(crate) struct Meal {
    pub(crate) customer: CustomerId,
    pub(crate) restaurant: RestaurantId,
    pub(crate) lines: Vec<Line>,
    pub(crate) tip: u64,
    pub(crate) subtotal: u64,
    pub(crate) delivery_fee: u64,
    /// Every status it entered, from its events.
    pub(crate) history: Vec<OrderStatus>,
    pub(crate) holder: Option<DriverId>,
    pub(crate) assigned_at: Option<Millis>,
    pub(crate) assignments: u32,
    pub(crate) failed: Vec<DriverId>,
    /// Its place among first `ready`s, in the order they happened.
    pub(crate) first_ready: Option<u64>,
    /// The status it was cancelled from, and why.
    pub(crate) cancelled_from: Option<(OrderStatus, CancelReason)>,
    pub(crate) rated: bool,
}

impl Meal {
    pub(crate) fn status(&self) -> OrderStatus {
        self.history.last().copied().unwrap_or(OrderStatus::Pending)
    }

    /// Whether its stock is still taken: live or delivered, or cancelled once the food was
    /// made (from `preparing` on, and not a rejection: SPEC §8.2.9).
    pub(crate) fn holds_stock(&self) -> bool {
        match self.cancelled_from {
            None => true,
            Some((_, CancelReason::RestaurantRejected)) => false,
            Some((from, _)) => !matches!(from, OrderStatus::Pending | OrderStatus::Confirmed),
        }
    }

    pub(crate) fn total(&self) -> u64 {
        self.subtotal + self.delivery_fee + self.tip
    }

    /// What a cancellation must have refunded (SPEC §8.2.9); 0 unless cancelled.
    pub(crate) fn refund(&self) -> u64 {
        match self.cancelled_from {
            None => 0,
            Some(_) if !self.holds_stock() => self.total(),
            Some(_) => self.delivery_fee + self.tip,
        }
    }

    /// The pickup deadline of its current assignment.
    pub(crate) fn deadline(&self) -> Option<Millis> {
        (self.status() == OrderStatus::Assigned)
            .then(|| self.assigned_at.map(|a| Millis(a.0 + PICKUP_DEADLINE_MS)))
            .flatten()
    }

    /// Held by `driver` and, if only assigned, not past its deadline at `now`.
    fn held_by(&self, driver: DriverId, now: Millis) -> bool {
        let held = matches!(self.status(), OrderStatus::Assigned | OrderStatus::PickedUp);
        held && self.holder == Some(driver) && self.deadline().is_none_or(|d| now < d)
    }
}

/// Everything the test knows of the platform.
#[derive(Clone, Debug, Default)]
pub(crate) struct Model {
    pub(crate) restaurant_at: Vec<LatLon>,
    pub(crate) menus: Vec<Vec<Dish>>,
    pub(crate) open: Vec<bool>,
    pub(crate) customers: Vec<LatLon>,
    pub(crate) names: BTreeSet<String>,
    pub(crate) drivers: usize,
    pub(crate) meals: Vec<Meal>,
    /// key → (its order, when the order was created).
    pub(crate) keys: BTreeMap<String, (OrderId, Millis)>,
    /// Each driver's failed pickups (deadline or release), when they happened.
    pub(crate) failures: Vec<Vec<Millis>>,
    pub(crate) flagged: Vec<bool>,
    pub(crate) next_ready: u64,
    pub(crate) review_after: u32,
    pub(crate) review_window_ms: u64,
}

impl Model {
    /// Stock left of a limited dish: initial + restocks − what live and delivered orders
    /// (and those cancelled once made) hold. Signed, so that an oversold dish shows.
    pub(crate) fn stock_left(&self, r: usize, item: usize) -> Option<i128> {
        let dish = &self.menus[r][item];
        let initial = dish.initial?;
        let held: u64 = self
            .meals
            .iter()
            .filter(|m| m.restaurant.index() == r && m.holds_stock())
            .flat_map(|m| &m.lines)
            .filter(|l| l.item.index() == item)
            .map(|l| u64::from(l.quantity))
            .sum();
        Some(i128::from(initial) + i128::from(dish.restocked) - i128::from(held))
    }

    /// The expected fee: base 299 + round(50 × haversine km), half away from zero, with
    /// the haversine of SPEC §8.2.2 (R = 6371 km) written out again here.
    pub(crate) fn fee(&self, r: RestaurantId, c: CustomerId) -> u64 {
        let (a, b) = (self.restaurant_at[r.index()], self.customers[c.index()]);
        let (p1, p2) = (a.lat.to_radians(), b.lat.to_radians());
        let h = ((p2 - p1) / 2.0).sin().powi(2)
            + p1.cos() * p2.cos() * ((b.lon - a.lon).to_radians() / 2.0).sin().powi(2);
        let km = 2.0 * 6371.0 * h.sqrt().asin();
        299 + (50.0 * km).round() as u64
    }

    /// What SPEC §8 says `command` at `now` must get: `Ok(None)`, `Ok(Some(order))` for a
    /// placement that repeats a live key (it returns that order), or the acceptable codes.
    pub(crate) fn expected(&self, now: Millis, command: &Command) -> Result<Option<OrderId>, Vec<Refusal>> {
        use OrderStatus::*;
        use Refusal::*;
        let one = |r: Refusal| Err(vec![r]);
        let meal = |o: OrderId| self.meals.get(o.index());
        let customer_known = |c: CustomerId| c.index() < self.customers.len();
        let driver_known = |d: DriverId| d.index() < self.drivers;
        // Unknown entities first; when two are unknown the SPEC orders neither.
        let unknown = |checks: &[(bool, Refusal)]| -> Vec<Refusal> {
            checks.iter().filter(|(ok, _)| !ok).map(|&(_, r)| r).collect()
        };
        match command {
            Command::OnboardDriver { name, location, .. } => {
                if self.names.contains(name) {
                    one(DuplicateName)
                } else if location.is_none() {
                    one(InvalidArgument)
                } else {
                    Ok(None)
                }
            }
            Command::PlaceMeal {
                customer,
                restaurant,
                lines,
                tip,
                key,
            } => {
                if !customer_known(*customer) {
                    return one(UnknownCustomer);
                }
                let Some(menu) = self.menus.get(restaurant.index()) else {
                    return one(UnknownRestaurant);
                };
                if lines.iter().any(|l| l.item.index() >= menu.len()) {
                    return one(UnknownItem);
                }
                let twice = lines
                    .iter()
                    .enumerate()
                    .any(|(i, l)| lines[..i].iter().any(|m| m.item == l.item));
                if lines.is_empty() || twice || lines.iter().any(|l| !(1..=99).contains(&l.quantity)) {
                    return one(InvalidArgument);
                }
                let live = key
                    .as_ref()
                    .and_then(|k| self.keys.get(k))
                    .filter(|&&(_, created)| now.0 < created.0 + KEY_TTL_MS);
                if let Some(&(first, _)) = live {
                    let m = &self.meals[first.index()];
                    let (mut a, mut b) = (m.lines.clone(), lines.clone());
                    a.sort();
                    b.sort();
                    let same = (m.customer, m.restaurant, a, m.tip) == (*customer, *restaurant, b, *tip);
                    return if same {
                        Ok(Some(first))
                    } else {
                        one(InvalidArgument)
                    };
                }
                if !self.open[restaurant.index()] {
                    return one(RestaurantClosed);
                }
                let short = lines.iter().any(|l| {
                    self.stock_left(restaurant.index(), l.item.index())
                        .is_some_and(|left| left < i128::from(l.quantity))
                });
                if short {
                    one(OutOfStock)
                } else {
                    Ok(None)
                }
            }
            Command::Kitchen { order, step } => {
                let Some(m) = meal(*order) else {
                    return one(UnknownOrder);
                };
                match m.status() {
                    Cancelled => one(OrderCancelled),
                    Delivered => one(AlreadyDelivered),
                    s if s == kitchen_from(*step) => Ok(None),
                    _ => one(InvalidTransition),
                }
            }
            Command::CancelOrder { order, by } => {
                let u = unknown(&[
                    (meal(*order).is_some(), UnknownOrder),
                    (customer_known(*by), UnknownCustomer),
                ]);
                let Some(m) = meal(*order).filter(|_| u.is_empty()) else {
                    return Err(u);
                };
                match m.status() {
                    Cancelled => one(OrderCancelled),
                    Delivered => one(AlreadyDelivered),
                    _ if m.customer != *by => one(NotYourOrder),
                    PickedUp => one(AlreadyPickedUp),
                    _ => Ok(None),
                }
            }
            Command::Pickup { driver, order }
            | Command::Deliver { driver, order }
            | Command::Release { driver, order } => {
                let u = unknown(&[
                    (driver_known(*driver), UnknownDriver),
                    (meal(*order).is_some(), UnknownOrder),
                ]);
                let Some(m) = meal(*order).filter(|_| u.is_empty()) else {
                    return Err(u);
                };
                let status = m.status();
                match command {
                    _ if status == Cancelled => one(OrderCancelled),
                    _ if status == Delivered => one(AlreadyDelivered),
                    // A deliver of one's own lapsed assignment: not theirs any more, or not
                    // picked up; the SPEC orders neither reading.
                    Command::Deliver { .. }
                        if status == Assigned && m.holder == Some(*driver) && !m.held_by(*driver, now) =>
                    {
                        Err(vec![NotYourOrder, NotPickedUp])
                    }
                    _ if !m.held_by(*driver, now) => one(NotYourOrder),
                    Command::Pickup { .. } | Command::Release { .. } if status == PickedUp => {
                        one(AlreadyPickedUp)
                    }
                    Command::Deliver { .. } if status == Assigned => one(NotPickedUp),
                    _ => Ok(None),
                }
            }
            Command::Rate { order, stars, by } => {
                let u = unknown(&[
                    (meal(*order).is_some(), UnknownOrder),
                    (customer_known(*by), UnknownCustomer),
                ]);
                let Some(m) = meal(*order).filter(|_| u.is_empty()) else {
                    return Err(u);
                };
                if !(1..=5).contains(stars) {
                    one(InvalidArgument)
                } else if m.status() == Cancelled {
                    one(OrderCancelled)
                } else if m.customer != *by {
                    one(NotYourOrder)
                } else if m.status() != Delivered {
                    one(NotDelivered)
                } else if m.rated {
                    one(AlreadyRated)
                } else {
                    Ok(None)
                }
            }
            Command::Restock {
                restaurant,
                item,
                amount,
            } => match self.menus.get(restaurant.index()) {
                None => one(UnknownRestaurant),
                Some(menu) if item.index() >= menu.len() => one(UnknownItem),
                Some(_) if *amount == 0 => one(InvalidArgument),
                Some(_) => Ok(None),
            },
            Command::SetOpen { restaurant, .. } => {
                if restaurant.index() < self.menus.len() {
                    Ok(None)
                } else {
                    one(UnknownRestaurant)
                }
            }
            // Timers and the onboarding of the generated world always succeed.
            _ => Ok(None),
        }
    }
}
