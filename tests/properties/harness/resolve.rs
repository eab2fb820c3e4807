//! From a generated step to an engine command, aimed at live orders and their drivers or
//! deliberately wrong.

use crate::*;

impl Harness {
    pub(crate) fn resolve(&self, op: &Op) -> Option<Command> {
        let e = &self.engine;
        let (nc, nd, no) = (e.customers().len(), e.drivers().len(), e.orders().len());
        // Mostly a known id; one time in 16 (or when there is none) an unknown one.
        let customer = |sel: u8| {
            CustomerId(if nc == 0 || sel % 16 == 15 {
                (nc + usize::from(sel % 3)) as u32
            } else {
                (usize::from(sel) % nc) as u32
            })
        };
        let driver = |sel: u8| {
            DriverId(if nd == 0 || sel % 16 == 15 {
                (nd + usize::from(sel % 3)) as u32
            } else {
                (usize::from(sel) % nd) as u32
            })
        };
        // Unknown one time in 16; else half the time one of the 6 newest, half any.
        let order = |sel: u8| {
            OrderId(if no == 0 || sel % 16 == 15 {
                (no + usize::from(sel % 3)) as u32
            } else if sel & 0x80 != 0 {
                (no - 1 - usize::from(sel) % no.min(6)) as u32
            } else {
                (usize::from(sel) % no) as u32
            })
        };
        let holders: Vec<(DriverId, OrderId)> = e
            .drivers()
            .iter()
            .enumerate()
            .filter_map(|(i, d)| d.order().map(|o| (DriverId(i as u32), o)))
            .collect();
        Some(match *op {
            Op::Wait(_) | Op::WaitForDeadline { .. } | Op::RaceDeadlineTimer { .. } => return None,
            Op::OnboardCustomer(k) => {
                let (name, contact) = customer_template(k);
                Command::OnboardCustomer {
                    name,
                    contact,
                    address: None,
                    location: off_the_globe(k),
                }
            }
            Op::OnboardDriver(k) => {
                let (name, contact) = driver_template(k);
                Command::OnboardDriver {
                    name,
                    contact,
                    location: off_the_globe(k),
                }
            }
            Op::Place {
                sender,
                recipient,
                item,
                key,
            } => Command::PlaceOrder {
                sender: customer(sender),
                recipient: customer(recipient),
                item: ItemId(if item % 16 == 15 {
                    CATALOG_LEN
                } else {
                    u32::from(item) % CATALOG_LEN
                }),
                // Key 3 is the empty key: well formed, but it breaks a rule.
                key: key.map(|k| if k == 3 { String::new() } else { format!("key-{k}") }),
            },
            Op::RepeatPlace => return self.last_place.clone(),
            Op::Cancel { order: o, by, aimed } => {
                let live: Vec<&Order> = e
                    .orders()
                    .iter()
                    .filter(|o| matches!(o.status, OrderStatus::Created | OrderStatus::Assigned))
                    .collect();
                if aimed && !live.is_empty() {
                    let target = live[usize::from(o) % live.len()];
                    Command::CancelOrder {
                        order: target.id,
                        by: target.sender,
                    }
                } else {
                    Command::CancelOrder {
                        order: order(o),
                        by: customer(by),
                    }
                }
            }
            Op::Pickup {
                driver: d,
                order: o,
                aimed,
            }
            | Op::Deliver {
                driver: d,
                order: o,
                aimed,
            } => {
                let (driver, order) = if aimed && !holders.is_empty() {
                    holders[usize::from(d) % holders.len()]
                } else {
                    (driver(d), order(o))
                };
                if matches!(op, Op::Pickup { .. }) {
                    Command::Pickup { driver, order }
                } else {
                    Command::Deliver { driver, order }
                }
            }
            Op::Rate {
                order: o,
                stars,
                by,
                aimed,
            } => {
                let delivered: Vec<&Order> = e
                    .orders()
                    .iter()
                    .filter(|o| o.status == OrderStatus::Delivered)
                    .collect();
                if aimed && !delivered.is_empty() {
                    let target = delivered[usize::from(o) % delivered.len()];
                    Command::Rate {
                        order: target.id,
                        stars,
                        by: if by % 2 == 0 {
                            target.sender
                        } else {
                            target.recipient
                        },
                    }
                } else {
                    Command::Rate {
                        order: order(o),
                        stars,
                        by: customer(by),
                    }
                }
            }
        })
    }
}
