//! Turning a generated step into a command: ids are resolved against the test's model,
//! aimed at where the races are (an order the kitchen can move, the driver holding an
//! order, a delivered order's customer) or at anything, unknown ids included.

use super::*;

impl FoodHarness {
    /// Turns a generated step into a command, aimed by the test's model.
    pub(crate) fn resolve(&self, op: &FoodOp) -> Option<Command> {
        let m = &self.model;
        let (nc, nd, no, nr) = (m.customers.len(), m.drivers, m.meals.len(), m.menus.len());
        // Unknown one time in 16, else any known one.
        let pick = |sel: u8, n: usize| {
            if n == 0 || sel % 16 == 15 {
                (n + usize::from(sel % 2)) as u32
            } else {
                (usize::from(sel) % n) as u32
            }
        };
        let customer = |sel| CustomerId(pick(sel, nc));
        let driver = |sel| DriverId(pick(sel, nd));
        let restaurant = |sel| RestaurantId(pick(sel, nr));
        let order = |sel: u8| {
            if no > 0 && sel & 0x80 != 0 && sel % 16 != 15 {
                // Half the time one of the 6 newest, where the action is.
                OrderId((no - 1 - usize::from(sel) % no.min(6)) as u32)
            } else {
                OrderId(pick(sel, no))
            }
        };
        let live: Vec<OrderId> = (0..no)
            .filter(|&i| !m.meals[i].status().is_final())
            .map(|i| OrderId(i as u32))
            .collect();
        let holders: Vec<(DriverId, OrderId)> = (0..no)
            .filter(|&i| matches!(m.meals[i].status(), OrderStatus::Assigned | OrderStatus::PickedUp))
            .filter_map(|i| Some((m.meals[i].holder?, OrderId(i as u32))))
            .collect();
        let held = |d: u8, o: u8, aimed: bool| {
            if aimed && !holders.is_empty() {
                holders[usize::from(d) % holders.len()]
            } else {
                (driver(d), order(o))
            }
        };
        Some(match op {
            FoodOp::Wait(_) | FoodOp::WaitForDeadline { .. } | FoodOp::RaceDeadline { .. } => return None,
            FoodOp::RepeatPlace => return self.last_place.clone(),
            &FoodOp::OnboardDriver { name, at } => Command::OnboardDriver {
                name: format!("d{name}"),
                contact: Contact::default(),
                location: (at.0 % 8 != 7).then(|| place(at)),
            },
            FoodOp::Place {
                customer: c,
                restaurant: r,
                lines,
                tip,
                key,
                dedupe,
            } => {
                let restaurant = restaurant(*r);
                let menu_len = m.menus.get(restaurant.index()).map_or(1, Vec::len);
                let mut chosen: Vec<Line> = Vec::new();
                for &(item, quantity) in lines {
                    let item = ItemId(if item % 16 == 15 {
                        menu_len as u32
                    } else {
                        (usize::from(item) % menu_len) as u32
                    });
                    if !(*dedupe && chosen.iter().any(|l| l.item == item)) {
                        chosen.push(Line { item, quantity });
                    }
                }
                Command::PlaceMeal {
                    customer: customer(*c),
                    restaurant,
                    lines: chosen,
                    tip: *tip,
                    key: key.map(|k| format!("k{k}")),
                }
            }
            &FoodOp::Kitchen {
                order: o,
                step,
                aimed,
            } => {
                // Aimed: an order the kitchen can still move, so that orders flow.
                let movable: Vec<OrderId> = live
                    .iter()
                    .copied()
                    .filter(|t| m.meals[t.index()].status() < OrderStatus::Ready)
                    .collect();
                if aimed && !movable.is_empty() {
                    let target = movable[usize::from(o) % movable.len()];
                    // Mostly the move its status allows; else the generated (maybe illegal) one.
                    let legal = match m.meals[target.index()].status() {
                        OrderStatus::Pending if o % 9 == 0 => Some(KitchenStep::Reject),
                        OrderStatus::Pending => Some(KitchenStep::Confirm),
                        OrderStatus::Confirmed => Some(KitchenStep::Prepare),
                        OrderStatus::Preparing => Some(KitchenStep::Ready),
                        _ => None,
                    };
                    let step = legal.filter(|_| o % 7 != 0).unwrap_or(step);
                    Command::Kitchen { order: target, step }
                } else {
                    Command::Kitchen {
                        order: order(o),
                        step,
                    }
                }
            }
            &FoodOp::Cancel { order: o, by, aimed } => {
                if aimed && !live.is_empty() {
                    let target = live[usize::from(o) % live.len()];
                    Command::CancelOrder {
                        order: target,
                        by: m.meals[target.index()].customer,
                    }
                } else {
                    Command::CancelOrder {
                        order: order(o),
                        by: customer(by),
                    }
                }
            }
            &FoodOp::Pickup {
                driver: d,
                order: o,
                aimed,
            } => {
                let (driver, order) = held(d, o, aimed);
                Command::Pickup { driver, order }
            }
            &FoodOp::Deliver {
                driver: d,
                order: o,
                aimed,
            } => {
                let (driver, order) = held(d, o, aimed);
                Command::Deliver { driver, order }
            }
            &FoodOp::Release {
                driver: d,
                order: o,
                aimed,
            } => {
                let (driver, order) = held(d, o, aimed);
                Command::Release { driver, order }
            }
            &FoodOp::Rate {
                order: o,
                stars,
                by,
                aimed,
            } => {
                let delivered: Vec<usize> = (0..no)
                    .filter(|&i| m.meals[i].status() == OrderStatus::Delivered)
                    .collect();
                if aimed && !delivered.is_empty() {
                    let target = delivered[usize::from(o) % delivered.len()];
                    Command::Rate {
                        order: OrderId(target as u32),
                        stars,
                        by: m.meals[target].customer,
                    }
                } else {
                    Command::Rate {
                        order: order(o),
                        stars,
                        by: customer(by),
                    }
                }
            }
            &FoodOp::Restock {
                restaurant: r,
                item,
                amount,
            } => {
                let restaurant = restaurant(r);
                let menu_len = m.menus.get(restaurant.index()).map_or(1, Vec::len);
                Command::Restock {
                    restaurant,
                    item: ItemId(pick(item, menu_len)),
                    amount,
                }
            }
            &FoodOp::SetOpen { restaurant: r, open } => Command::SetOpen {
                restaurant: restaurant(r),
                open,
            },
        })
    }
}
