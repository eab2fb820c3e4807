//! Why a command was refused, in words that name what was wrong: `email "x" has no @`,
//! `order-3 is assigned to driver2, not driver1`.
//!
//! A [`Refusal`] stays a small `Copy` code, so the hot path of a load run never builds a
//! string. A refused command changes nothing, so the engine right after the refusal still
//! shows the reason, and a shell that prints refusals asks for the words here.

use super::keys::Placement;
use super::model::{is_valid_email, is_valid_phone, Contact};
use super::{Command, Engine, LatLon, Order, OrderStatus, Profile, Refusal};
use crate::time::Millis;

impl Engine {
    /// Says why `command` was refused with `refusal` at `now`: lowercase, naming the
    /// values and the parties involved. Falls back to the code's general message.
    pub fn explain(&self, now: Millis, command: &Command, refusal: Refusal) -> String {
        self.specific(now, command, refusal)
            .unwrap_or_else(|| refusal.message().to_string())
    }

    fn specific(&self, now: Millis, command: &Command, refusal: Refusal) -> Option<String> {
        use Refusal as R;
        match (command, refusal) {
            (
                Command::OnboardCustomer {
                    name,
                    contact,
                    location,
                    ..
                }
                | Command::OnboardDriver {
                    name,
                    contact,
                    location,
                },
                _,
            ) => match refusal {
                R::DuplicateName => self.taken(name),
                R::InvalidArgument => bad_onboarding(name, contact, *location).or_else(|| {
                    (self.config.profile == Profile::Food && location.is_none())
                        .then(|| "a food platform needs everyone's location: add at=LAT,LON".into())
                }),
                _ => None,
            },
            (Command::OnboardRestaurant { name, .. }, R::DuplicateName) => self.taken(name),
            (
                Command::OnboardRestaurant {
                    name,
                    contact,
                    location,
                    ..
                },
                R::InvalidArgument,
            ) => bad_onboarding(name, contact, Some(*location))
                .or_else(|| Some("prep is at most 1000 days".into())),
            (Command::SetMenuItem { item, .. }, R::InvalidArgument) => super::food::bad_item_name(item)
                .or_else(|| Some("price and stock are at most 1000000000".into())),
            (Command::Restock { amount, .. }, R::InvalidArgument) => Some(if *amount == 0 {
                "restock needs an amount of at least 1".into()
            } else {
                "a stock is at most 1000000000".into()
            }),
            (Command::PlaceMeal { lines, tip, key, .. }, R::InvalidArgument) => {
                super::food::bad_meal(lines, *tip, key.as_deref()).or_else(|| {
                    key.as_deref()
                        .and_then(|k| self.keys.live(k, now))
                        .map(|first| format!("key was first used for {} with other details", first.order))
                })
            }
            (Command::PlaceMeal { restaurant, .. }, R::RestaurantClosed) => {
                Some(format!("{} is closed", self.restaurant(*restaurant).ok()?.name))
            }
            (
                Command::PlaceMeal {
                    restaurant, lines, ..
                },
                R::OutOfStock,
            ) => {
                let r = self.restaurant(*restaurant).ok()?;
                lines.iter().find_map(|l| {
                    let dish = r.menu.get(l.item.index())?;
                    let left = dish.stock.filter(|&s| s < u64::from(l.quantity))?;
                    Some(format!(
                        "{} has {left} {} left, {} asked for",
                        r.name, dish.name, l.quantity
                    ))
                })
            }
            (Command::Kitchen { order, step }, R::InvalidTransition) => {
                let o = self.order(*order).ok()?;
                Some(format!(
                    "{order} is {}: `{}` moves a {} order only",
                    o.status,
                    step.as_str(),
                    step.source()
                ))
            }
            (
                Command::PlaceOrder {
                    sender,
                    recipient,
                    item,
                    key,
                },
                R::InvalidArgument,
            ) => {
                let who = |c: super::CustomerId| self.customers().get(c.index()).map(|c| c.name.as_str());
                if sender == recipient {
                    return Some(format!("sender and recipient are both \"{}\"", who(*sender)?));
                }
                if key.as_deref() == Some("") {
                    return Some("an idempotency key cannot be empty".into());
                }
                if let Some(first) = key.as_deref().and_then(|k| self.keys.live(k, now)) {
                    if let Placement::Parcel {
                        sender: s,
                        recipient: r,
                        item: i,
                    } = first.details
                    {
                        if (s, r, i) != (*sender, *recipient, *item) {
                            return Some(format!(
                                "key \"{}\" was first used for {} with other details (from={} to={} item={})",
                                key.as_deref()?,
                                first.order,
                                who(s)?,
                                who(r)?,
                                self.catalog().get(i.index())?
                            ));
                        }
                    }
                }
                if self.orders.try_next_id().is_none() {
                    return Some(format!(
                        "every order id is used: the platform has placed {} orders",
                        self.orders_placed()
                    ));
                }
                None
            }
            (Command::Rate { stars, .. }, R::InvalidArgument) => {
                Some(format!("stars must be 1 to 5, found {stars}"))
            }
            (_, R::UnknownOrder) => command
                .order()
                .map(|o| format!("no order {o} (never placed, or retired from memory)")),
            (_, R::OrderCancelled) => {
                let order = self.order(command.order()?).ok()?;
                Some(match (order.cancelled_at, order.cancel_reason) {
                    (Some(at), Some(reason)) => {
                        format!(
                            "{} was cancelled at {} ({})",
                            order.id,
                            at.clock(),
                            reason.as_str()
                        )
                    }
                    _ => format!(
                        "{} passed its pickup deadline at {} (it is {} now)",
                        order.id,
                        order.deadline.clock(),
                        now.clock()
                    ),
                })
            }
            (_, R::AlreadyDelivered) => {
                let order = self.order(command.order()?).ok()?;
                Some(format!(
                    "{} was delivered at {}",
                    order.id,
                    order.delivered_at?.clock()
                ))
            }
            (_, R::AlreadyPickedUp) => {
                let order = self.order(command.order()?).ok()?;
                Some(format!(
                    "{} was picked up by {} at {}",
                    order.id,
                    self.driver_name(order)?,
                    order.picked_up_at?.clock()
                ))
            }
            (
                Command::Pickup { driver, order }
                | Command::Deliver { driver, order }
                | Command::Release { driver, order },
                R::NotYourOrder,
            ) => {
                let o = self.order(*order).ok()?;
                let name = &self.driver(*driver).ok()?.name;
                Some(match o.status {
                    OrderStatus::Assigned if o.driver == Some(*driver) => format!(
                        "{name}'s pickup deadline for {order} passed at {}",
                        o.deadline.clock()
                    ),
                    OrderStatus::Assigned => {
                        format!("{order} is assigned to {}, not {name}", self.driver_name(o)?)
                    }
                    OrderStatus::PickedUp => {
                        format!("{order} is carried by {}, not {name}", self.driver_name(o)?)
                    }
                    OrderStatus::Created | OrderStatus::Ready => {
                        format!("{order} is waiting for a driver, not assigned to {name}")
                    }
                    status => format!("{order} is {status}, not assigned to {name}"),
                })
            }
            (Command::CancelOrder { order, by }, R::NotYourOrder) => {
                let o = self.order(*order).ok()?;
                Some(format!(
                    "only the sender ({}) may cancel {order}; {} is not",
                    self.customer(o.sender).ok()?.name,
                    self.customer(*by).ok()?.name
                ))
            }
            (Command::Rate { order, by, .. }, R::NotYourOrder) => {
                let o = self.order(*order).ok()?;
                Some(format!(
                    "only the sender ({}) or the recipient ({}) may rate {order}; {} is neither",
                    self.customer(o.sender).ok()?.name,
                    self.customer(o.recipient).ok()?.name,
                    self.customer(*by).ok()?.name
                ))
            }
            (Command::Deliver { driver, order }, R::NotPickedUp) => Some(format!(
                "{} has not picked up {order} yet",
                self.driver(*driver).ok()?.name
            )),
            (Command::Rate { order, .. }, R::NotDelivered) => {
                let o = self.order(*order).ok()?;
                Some(format!("{order} is {}, not delivered yet", o.status))
            }
            (Command::Rate { order, .. }, R::AlreadyRated) => {
                let stars = self.order(*order).ok()?.rating?;
                Some(format!("{order} was already rated {stars} star{}", plural(stars)))
            }
            _ => None,
        }
    }

    fn taken(&self, name: &str) -> Option<String> {
        let kind = match self.party_by_name(name)? {
            super::Party::Customer(_) => "customer",
            super::Party::Driver(_) => "driver",
            super::Party::Restaurant(_) => "restaurant",
        };
        Some(format!("the name \"{name}\" is already taken by a {kind}"))
    }

    fn driver_name(&self, order: &Order) -> Option<&str> {
        order
            .driver
            .and_then(|d| self.drivers().get(d.index()))
            .map(|d| d.name.as_str())
    }
}

fn plural(n: u8) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// What is wrong with an onboarding's name, contact or location, if anything: the one
/// place that decides `invalid_argument` for onboarding (the engine refuses when this is
/// `Some`, and the words are its refusal's message). Nothing is built when all is well.
pub(super) fn bad_onboarding(name: &str, contact: &Contact, location: Option<LatLon>) -> Option<String> {
    if name.trim().is_empty() {
        return Some("a name cannot be empty".into());
    }
    if name.chars().any(char::is_control) {
        return Some(format!("the name {name:?} contains a control character"));
    }
    if let Some(email) = contact.email.as_deref().filter(|e| !is_valid_email(e)) {
        return Some(if email.contains('@') {
            format!("email \"{email}\" needs something on both sides of its @ and no spaces")
        } else {
            format!("email \"{email}\" has no @")
        });
    }
    if let Some(phone) = contact.phone.as_deref().filter(|p| !is_valid_phone(p)) {
        return Some(format!(
            "phone \"{phone}\" is not digits (with an optional leading +)"
        ));
    }
    // A location is well formed when it is two numbers; one outside the globe breaks a rule,
    // so it is refused like a malformed email (SPEC §4), not a script error.
    location
        .filter(|l| LatLon::new(l.lat, l.lon).is_none())
        .map(|at| {
            format!(
                "location {},{} is out of range: latitude -90..90, longitude -180..180",
                at.lat, at.lon
            )
        })
}
