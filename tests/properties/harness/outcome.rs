//! Checks of one applied command: the refusal code against the oracle, a refusal changing
//! nothing, the events and notifications of an outcome.

use crate::*;

impl Harness {
    /// Checks a successful command: its reply, its preconditions in the state before, its
    /// effect on the state after, its events, notifications and timers.
    pub(crate) fn check_outcome(
        &mut self,
        before: &Engine,
        at: Millis,
        command: &Command,
        outcome: &Outcome,
    ) -> Result<(), TestCaseError> {
        let after = &self.engine;
        let assigned: Vec<(OrderId, DriverId)> = outcome
            .events
            .iter()
            .filter_map(|e| match *e {
                Event::Assigned(o, d) => Some((o, d)),
                _ => None,
            })
            .collect();
        prop_assert!(
            assigned.len() <= 1,
            "one command assigned several orders: {:?}",
            assigned
        );
        // The driver who takes an order in this step, if any must: the one freed or chosen.
        let mut taker: Option<DriverId> = None;

        match *command {
            Command::OnboardCustomer { .. } => {
                let id = CustomerId(before.customers().len() as u32);
                prop_assert_eq!(&outcome.reply, &Reply::Onboarded(Party::Customer(id)));
            }
            Command::OnboardDriver { .. } => {
                let id = DriverId(before.drivers().len() as u32);
                prop_assert_eq!(&outcome.reply, &Reply::Onboarded(Party::Driver(id)));
                taker = Some(id);
            }
            Command::PlaceOrder {
                sender,
                recipient,
                item,
                ref key,
            } => {
                let Reply::Placed { order, duplicate } = outcome.reply else {
                    return fail(format!("placement replied {:?}", outcome.reply));
                };
                if duplicate {
                    self.stats.duplicates_prevented += 1;
                    let first = &before.orders()[order.index()];
                    prop_assert_eq!(first.key.as_ref(), key.as_ref());
                    prop_assert!(after == before, "a duplicate placement changed the engine");
                    prop_assert!(outcome.notices.is_empty() && outcome.timers.is_empty());
                } else {
                    self.stats.orders_placed += 1;
                    prop_assert_eq!(
                        order,
                        OrderId(before.orders().len() as u32),
                        "order ids are sequential"
                    );
                    let o = &after.orders()[order.index()];
                    prop_assert_eq!((o.sender, o.recipient, o.item()), (sender, recipient, Some(item)));
                    prop_assert_eq!(o.created_at, at);
                    prop_assert_eq!(o.deadline, Millis(at.0 + DEADLINE_MS));
                    prop_assert_eq!(
                        &outcome.timers,
                        &vec![TimerRequest {
                            at: o.deadline,
                            timer: Timer::PickupDeadline {
                                order,
                                guard: Guard::Creation,
                            },
                        }]
                    );
                    // Assigned at once to the longest-idle driver, or waits if none is idle.
                    match self.idle_model.first() {
                        Some(&longest) => {
                            prop_assert_eq!(o.status, OrderStatus::Assigned);
                            taker = Some(longest);
                        }
                        None => {
                            prop_assert_eq!(o.status, OrderStatus::Created);
                            self.stats.placed_and_waited += 1;
                        }
                    }
                }
            }
            Command::CancelOrder { order, by } => {
                prop_assert_eq!(&outcome.reply, &Reply::Cancelled);
                let b = &before.orders()[order.index()];
                prop_assert!(matches!(b.status, OrderStatus::Created | OrderStatus::Assigned));
                prop_assert!(by == b.sender && at < b.deadline);
                let a = &after.orders()[order.index()];
                prop_assert_eq!(
                    (a.status, a.cancel_reason, a.cancelled_at),
                    (OrderStatus::Cancelled, Some(CancelReason::Customer), Some(at))
                );
                self.stats.customer_cancels += 1;
                if b.status == OrderStatus::Assigned {
                    self.stats.customer_cancels_of_assigned += 1;
                    taker = b.driver;
                }
            }
            Command::Pickup { driver, order } => {
                prop_assert_eq!(&outcome.reply, &Reply::PickedUp);
                let b = &before.orders()[order.index()];
                prop_assert!(
                    b.status == OrderStatus::Assigned && b.driver == Some(driver),
                    "picked up {:?} which was {:?} with {:?}",
                    order,
                    b.status,
                    b.driver
                );
                prop_assert!(
                    at < b.deadline,
                    "pickup of {:?} at {:?}, deadline {:?}",
                    order,
                    at,
                    b.deadline
                );
                let a = &after.orders()[order.index()];
                prop_assert_eq!((a.status, a.picked_up_at), (OrderStatus::PickedUp, Some(at)));
                prop_assert_eq!(after.drivers()[driver.index()].status(), DriverStatus::InTransit);
                self.stats.pickups += 1;
                if at.0 + 1 == b.deadline.0 {
                    self.stats.pickups_in_last_ms += 1;
                }
            }
            Command::Deliver { driver, order } => {
                prop_assert_eq!(&outcome.reply, &Reply::Delivered);
                let b = &before.orders()[order.index()];
                prop_assert!(b.status == OrderStatus::PickedUp && b.driver == Some(driver));
                let a = &after.orders()[order.index()];
                prop_assert_eq!((a.status, a.delivered_at), (OrderStatus::Delivered, Some(at)));
                prop_assert_eq!(
                    after.drivers()[driver.index()].deliveries,
                    before.drivers()[driver.index()].deliveries + 1
                );
                self.stats.deliveries += 1;
                taker = Some(driver);
            }
            Command::Rate { order, stars, by } => {
                prop_assert_eq!(&outcome.reply, &Reply::Rated);
                let b = &before.orders()[order.index()];
                prop_assert!(b.status == OrderStatus::Delivered && b.rating.is_none());
                prop_assert!(by == b.sender || by == b.recipient);
                prop_assert!((1..=5).contains(&stars));
                prop_assert_eq!(after.orders()[order.index()].rating, Some(stars as u8));
                self.stats.ratings += 1;
            }
            Command::ExpireDeadline { order, guard } => {
                prop_assert_eq!(guard, Guard::Creation, "parcel deadlines guard the creation");
                let b = &before.orders()[order.index()];
                let due =
                    matches!(b.status, OrderStatus::Created | OrderStatus::Assigned) && at >= b.deadline;
                prop_assert_eq!(&outcome.reply, &Reply::DeadlineExpired { cancelled: due });
                if due {
                    prop_assert_eq!(at, b.deadline, "a deadline timer fired late or early");
                    let a = &after.orders()[order.index()];
                    prop_assert_eq!(
                        (a.status, a.cancel_reason, a.cancelled_at),
                        (OrderStatus::Cancelled, Some(CancelReason::NoPickup), Some(at))
                    );
                    self.stats.deadline_cancels += 1;
                    if b.status == OrderStatus::Assigned {
                        self.stats.deadline_cancels_of_assigned += 1;
                        taker = b.driver;
                    }
                } else {
                    prop_assert!(
                        after == before,
                        "a deadline timer that cancelled nothing changed the engine"
                    );
                }
            }
            _ => prop_assert!(false, "a food command in a parcel run: {:?}", command),
        }

        if let Some(&(order, driver)) = assigned.first() {
            prop_assert_eq!(
                Some(driver),
                taker,
                "{:?} went to the wrong driver after {:?}",
                order,
                command
            );
            if !matches!(command, Command::PlaceOrder { .. }) {
                self.stats.freed_driver_took_waiting += 1;
            }
        }
        self.check_events(before, outcome)
    }

    /// The outcome's events, applied to the statuses before, give exactly the statuses
    /// after; each transition is legal; the notifications are those of SPEC §3.12.
    pub(crate) fn check_events(&self, before: &Engine, outcome: &Outcome) -> Result<(), TestCaseError> {
        use OrderStatus::*;
        let after = &self.engine;
        let mut status: Vec<Option<OrderStatus>> = before.orders().iter().map(|o| Some(o.status)).collect();
        let mut holder: Vec<Option<DriverId>> = before.orders().iter().map(|o| o.driver).collect();
        status.resize(after.orders().len(), None);
        holder.resize(after.orders().len(), None);
        let mut notices = Vec::new();
        let mut tell = |kind, order: OrderId, roles: &[(Party, Role)]| {
            for &(to, role) in roles {
                notices.push(Notice {
                    kind,
                    order,
                    to,
                    role,
                });
            }
        };
        for event in &outcome.events {
            let o = event.order();
            prop_assert!(o.index() < status.len(), "event about unknown {:?}", o);
            let i = o.index();
            let order = &after.orders()[i];
            let (sender, recipient) = (
                (Party::Customer(order.sender), Role::Sender),
                (Party::Customer(order.recipient), Role::Recipient),
            );
            let was = status[i];
            let mut advance = |from: &[OrderStatus], to: OrderStatus| {
                if was.is_some_and(|s| from.contains(&s)) {
                    status[i] = Some(to);
                    Ok(())
                } else {
                    fail(format!("event {event:?} on an order that was {was:?}"))
                }
            };
            match *event {
                Event::Placed(_) => {
                    prop_assert!(was.is_none(), "{:?} placed twice", o);
                    status[i] = Some(Created);
                    tell(NoticeKind::Placed, o, &[sender, recipient]);
                }
                Event::DuplicatePrevented(_) => prop_assert!(was.is_some()),
                Event::Assigned(_, d) => {
                    advance(&[Created], Assigned)?;
                    holder[i] = Some(d);
                    tell(
                        NoticeKind::Assigned,
                        o,
                        &[(Party::Driver(d), Role::Driver), sender, recipient],
                    );
                }
                Event::PickedUp(_, d) => {
                    advance(&[Assigned], PickedUp)?;
                    prop_assert_eq!(holder[i], Some(d));
                    tell(NoticeKind::PickedUp, o, &[sender, recipient]);
                }
                Event::Delivered(_, d) => {
                    advance(&[PickedUp], Delivered)?;
                    prop_assert_eq!(holder[i], Some(d));
                    tell(NoticeKind::Delivered, o, &[sender, recipient]);
                }
                Event::Cancelled(_, held, _) => {
                    advance(&[Created, Assigned], Cancelled)?;
                    let expected_holder = if was == Some(Assigned) { holder[i] } else { None };
                    prop_assert_eq!(held, expected_holder, "cancelled {:?} names the wrong driver", o);
                    match held {
                        Some(d) => tell(
                            NoticeKind::Cancelled,
                            o,
                            &[sender, recipient, (Party::Driver(d), Role::Driver)],
                        ),
                        None => tell(NoticeKind::Cancelled, o, &[sender, recipient]),
                    }
                }
                Event::Rated(_, d, _) => {
                    prop_assert_eq!(was, Some(Delivered));
                    prop_assert_eq!(holder[i], Some(d));
                }
                _ => return fail(format!("a food event {event:?} in a parcel run")),
            }
        }
        let observed: Vec<Option<OrderStatus>> = after.orders().iter().map(|o| Some(o.status)).collect();
        prop_assert_eq!(
            status,
            observed,
            "the events do not account for the status changes"
        );
        prop_assert_eq!(&outcome.notices, &notices, "notifications differ from SPEC §3.12");
        Ok(())
    }
}
