//! The food profile's commands in the script shell (SPEC §8.4): names and amounts resolved
//! at the edge (unknown entities first, then malformed amounts, SPEC §8.3), the command
//! applied, and what it did put in words for the transcript.

use super::{lookup, view, Interpreter, Refused};
use crate::engine::{
    Command, Contact, DriverId, Engine, EngineConfig, Event, KitchenStep, OrderId, OrderStatus, Outcome,
    Profile, Refusal, Reply,
};
use crate::script::host::Host;
use crate::script::parse::{Settings, Stmt};
use crate::script::ScriptError;

/// What a line's run returns: the outer error stops the script, the inner result is what
/// `expect ok` and `expect error` see.
type Ran = Result<Result<(), Refusal>, ScriptError>;

impl<H: Host> Interpreter<'_, H> {
    /// Runs one food-only statement.
    pub(super) fn execute_food(&mut self, stmt: &Stmt) -> Ran {
        let engine = self.host.engine();
        let resolved: Result<Command, Refused> = match stmt {
            Stmt::OnboardRestaurant {
                name,
                at,
                email,
                phone,
                prep,
                open,
            } => open_word(open.as_deref()).map(|open| Command::OnboardRestaurant {
                name: name.clone(),
                contact: Contact {
                    email: email.clone(),
                    phone: phone.clone(),
                },
                location: *at,
                prep: *prep,
                open,
            }),
            Stmt::Menu {
                restaurant,
                item,
                price,
                stock,
            } => lookup::restaurant(engine, restaurant).and_then(|restaurant| {
                Ok(Command::SetMenuItem {
                    restaurant,
                    item: item.clone(),
                    price: lookup::amount("price", price)?,
                    stock: stock.as_deref().map(|s| lookup::amount("stock", s)).transpose()?,
                })
            }),
            Stmt::Restock {
                restaurant,
                item,
                amount,
            } => lookup::restaurant(engine, restaurant).and_then(|restaurant| {
                Ok(Command::Restock {
                    restaurant,
                    item: lookup::menu_item(engine, restaurant, item)?,
                    amount: lookup::amount("restock amount", amount)?,
                })
            }),
            Stmt::SetOpen { restaurant, open } => {
                lookup::restaurant(engine, restaurant).map(|restaurant| Command::SetOpen {
                    restaurant,
                    open: *open,
                })
            }
            Stmt::PlaceMeal {
                from,
                restaurant,
                items,
                tip,
                key,
            } => lookup::customer(engine, from).and_then(|customer| {
                let restaurant = lookup::restaurant(engine, restaurant)?;
                let lines = lookup::meal_lines(engine, restaurant, items)?;
                Ok(Command::PlaceMeal {
                    customer,
                    restaurant,
                    lines,
                    tip: tip
                        .as_deref()
                        .map(|t| lookup::amount("tip", t))
                        .transpose()?
                        .unwrap_or(0),
                    key: key.clone(),
                })
            }),
            Stmt::Kitchen { step, order } => {
                lookup::order(engine, order).map(|order| Command::Kitchen { order, step: *step })
            }
            Stmt::Release { driver, order } => lookup::driver(engine, driver).and_then(|driver| {
                Ok(Command::Release {
                    driver,
                    order: lookup::order(engine, order)?,
                })
            }),
            _ => return Err(ScriptError::Internal(format!("not a food statement: {stmt:?}"))),
        };
        match resolved {
            Ok(command) => self.apply(command.clone(), |engine, outcome| {
                describe(engine, &command, outcome)
            }),
            Err(refused) => self.refuse(refused),
        }
    }
}

/// `open=yes|no` (absent: open); anything else is refused as `invalid_argument`.
fn open_word(word: Option<&str>) -> Result<bool, Refused> {
    match word {
        None | Some("yes") => Ok(true),
        Some("no") => Ok(false),
        Some(other) => Err(Refused {
            refusal: Refusal::InvalidArgument,
            message: format!("open=\"{other}\": expected yes or no"),
        }),
    }
}

/// The name of a driver.
fn driver_name(engine: &Engine, driver: DriverId) -> &str {
    engine
        .drivers()
        .get(driver.index())
        .map_or("?", |d| d.name.as_str())
}

/// What a food command did, after `ok: `.
fn describe(engine: &Engine, command: &Command, outcome: &Outcome) -> String {
    match (command, &outcome.reply) {
        (Command::OnboardRestaurant { name, open, prep, .. }, _) => format!(
            "welcome {name}! ({}, prep {prep})",
            if *open { "open" } else { "closed" }
        ),
        (Command::SetMenuItem { restaurant, item, .. }, _) => engine
            .restaurants()
            .get(restaurant.index())
            .and_then(|r| Some((r, r.menu.iter().find(|m| m.name == *item)?)))
            .map_or_else(String::new, |(r, dish)| {
                format!("{}'s menu: {}", r.name, view::food::dish_text(dish))
            }),
        (Command::Restock { restaurant, item, .. }, _) => engine
            .restaurants()
            .get(restaurant.index())
            .and_then(|r| Some((r, r.menu.get(item.index())?)))
            .map_or_else(String::new, |(r, dish)| {
                format!(
                    "{}'s {}: {}",
                    r.name,
                    dish.name,
                    view::food::stock_text(dish.stock)
                )
            }),
        (Command::SetOpen { restaurant, open }, _) => format!(
            "{} is {}",
            engine
                .restaurants()
                .get(restaurant.index())
                .map_or("?", |r| r.name.as_str()),
            if *open { "open" } else { "closed" }
        ),
        (
            Command::PlaceMeal { .. },
            Reply::Placed {
                order,
                duplicate: true,
            },
        ) => {
            format!("{order} already placed with this key; nothing new created")
        }
        (Command::PlaceMeal { .. }, Reply::Placed { order, .. }) => match engine.order(*order) {
            Ok(o) => match o.food() {
                Some(meal) => format!(
                    "{order} placed with {}, pending; total {} cents, eta {}",
                    engine
                        .restaurants()
                        .get(meal.restaurant.index())
                        .map_or("?", |r| r.name.as_str()),
                    meal.invoice.total,
                    meal.eta.clock()
                ),
                None => format!("{order} placed"),
            },
            Err(_) => format!("{order} placed"),
        },
        (Command::Kitchen { order, step }, _) => kitchen_text(engine, *order, *step),
        (Command::Release { driver, order }, Reply::Unassigned { .. }) => {
            let head = format!("{order} released by {}", driver_name(engine, *driver));
            handover_text(engine, *order, *driver, outcome, head)
        }
        _ => String::new(),
    }
}

/// What a restaurant's move did.
fn kitchen_text(engine: &Engine, order: OrderId, step: KitchenStep) -> String {
    match step {
        KitchenStep::Confirm => format!("{order} confirmed"),
        KitchenStep::Prepare => format!("{order} preparing"),
        KitchenStep::Reject => format!("{order} rejected{}", refund_text(engine, &order.to_string())),
        KitchenStep::Ready => match engine.order(order).ok().and_then(|o| o.driver) {
            Some(d) => format!("{order} ready, assigned to {}", driver_name(engine, d)),
            None => format!("{order} ready, waiting for a driver"),
        },
    }
}

/// `, refunded N cents` for a cancelled meal; nothing for a parcel, whose transcript says
/// no more than it always has.
pub(super) fn refund_text(engine: &Engine, order: &str) -> String {
    engine
        .order_by_name(order)
        .and_then(|id| engine.order(id))
        .ok()
        .and_then(|o| o.food())
        .map_or_else(String::new, |meal| {
            format!(", refunded {} cents", meal.invoice.refunded)
        })
}

/// After `head` ("order-1 released by d1"): the driver's failed pickups, a review flag,
/// where the order went, and any waiting order the freed driver took.
pub(super) fn handover_text(
    engine: &Engine,
    order: OrderId,
    driver: DriverId,
    outcome: &Outcome,
    head: String,
) -> String {
    let failed = engine
        .drivers()
        .get(driver.index())
        .map_or(0, |d| d.failed_pickups);
    let mut text = format!(
        "{head}; {} has {failed} failed pickup{}",
        driver_name(engine, driver),
        if failed == 1 { "" } else { "s" }
    );
    let mut redispatched = false;
    for event in &outcome.events {
        match *event {
            Event::Flagged(..) => text += ", flagged for review",
            Event::Assigned(o, d) if o == order => {
                redispatched = true;
                text += &format!("; re-dispatched to {}", driver_name(engine, d));
            }
            Event::Assigned(o, d) => text += &format!("; {} takes {o}", driver_name(engine, d)),
            _ => {}
        }
    }
    let still_ready = engine.order(order).is_ok_and(|o| o.status == OrderStatus::Ready);
    if !redispatched && still_ready {
        text += "; it waits for a driver";
    }
    text
}

/// What `set` changed, after `ok: `. A parcel `set` without `profile=` reads as it always
/// has; once a profile is named, or in a food script, every setting is shown.
pub(super) fn settings_text(c: &EngineConfig, line: &Settings) -> String {
    if c.profile == Profile::Parcel && line.profile.is_none() {
        return format!("deadline {}, policy {}", c.pickup_deadline, c.policy.as_str());
    }
    let mut text = format!(
        "profile {}, deadline {}, policy {}",
        c.profile.as_str(),
        c.pickup_deadline,
        c.policy.as_str()
    );
    if c.profile == Profile::Food {
        let f = &c.food;
        text += &format!(
            ", base_fee {}, per_km_fee {}, speed_kmh {}, key_ttl {}, review_after {}",
            f.base_fee,
            f.per_km_fee,
            f.speed_kmh,
            c.key_ttl.map_or_else(|| "never".to_string(), |t| t.to_string()),
            f.review_after
        );
    }
    text
}
