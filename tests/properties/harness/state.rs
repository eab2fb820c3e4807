//! Checks of the state after every step: status histories, the idle drivers the test
//! tracks on its own, invariants, deadlines and the settled end.

use crate::*;

impl Harness {
    /// Each order's statuses, as observed after every apply, follow the SPEC's life cycle.
    pub(crate) fn check_history(&mut self, at: Millis, before: &Engine) -> Result<(), TestCaseError> {
        for (i, order) in self.engine.orders().iter().enumerate() {
            let now = order.status;
            match self.history.get_mut(i) {
                None => {
                    prop_assert!(
                        matches!(now, OrderStatus::Created | OrderStatus::Assigned),
                        "{:?} appeared as {:?}",
                        order.id,
                        now
                    );
                    self.history.push(vec![now]);
                }
                Some(seen) => {
                    let last = seen.last().copied().unwrap_or(OrderStatus::Created);
                    if last != now {
                        prop_assert!(
                            legal_move(last, now),
                            "{:?} moved {:?} -> {:?} at {:?}; history {:?}",
                            order.id,
                            last,
                            now,
                            at,
                            seen
                        );
                        seen.push(now);
                    }
                    let picked = seen.contains(&OrderStatus::PickedUp);
                    let cancelled = seen.contains(&OrderStatus::Cancelled);
                    prop_assert!(
                        !(picked && cancelled),
                        "{:?} was both picked up and cancelled: {:?}",
                        order.id,
                        seen
                    );
                }
            }
            // Oldest first: an order assigned in this step has no older order still waiting.
            let newly_assigned = now == OrderStatus::Assigned
                && before
                    .orders()
                    .get(i)
                    .is_none_or(|b| b.status != OrderStatus::Assigned);
            if newly_assigned {
                if let Some(older) = self
                    .engine
                    .orders()
                    .range(..i)
                    .find(|o| o.status == OrderStatus::Created && o.deadline > at)
                {
                    return fail(format!(
                        "{:?} was assigned at {at:?} while older {:?} still waits",
                        order.id, older.id
                    ));
                }
            }
        }
        Ok(())
    }

    /// Tracks which drivers are idle and since when (longest idle first), from what the
    /// test observes, and compares with the engine's idle set.
    pub(crate) fn check_idle_model(
        &mut self,
        before: &Engine,
        command: &Command,
        result: &Result<Outcome, Refusal>,
    ) -> Result<(), TestCaseError> {
        let after = &self.engine;
        let idle_after = |d: DriverId| after.drivers()[d.index()].status() == DriverStatus::Idle;
        let left: Vec<DriverId> = self
            .idle_model
            .iter()
            .copied()
            .filter(|&d| !idle_after(d))
            .collect();
        prop_assert!(
            left.len() <= 1,
            "several idle drivers left idleness at once: {:?}",
            left
        );
        if let Some(&d) = left.first() {
            // Only a placement takes an idle driver, and it takes the longest idle.
            prop_assert!(
                matches!(command, Command::PlaceOrder { .. }) && result.is_ok(),
                "idle driver {:?} got busy on {:?}",
                d,
                command
            );
            prop_assert_eq!(Some(&d), self.idle_model.first(), "not the longest-idle driver");
            self.idle_model.remove(0);
        }
        let joined: Vec<DriverId> = (0..after.drivers().len())
            .map(|i| DriverId(i as u32))
            .filter(|&d| idle_after(d) && !self.idle_model.contains(&d))
            .collect();
        prop_assert!(
            joined.len() <= 1,
            "several drivers became idle at once: {:?}",
            joined
        );
        if let Some(&d) = joined.first() {
            let was_busy = before
                .drivers()
                .get(d.index())
                .is_none_or(|b| b.status() != DriverStatus::Idle);
            prop_assert!(was_busy, "{:?} was idle but unknown to the model", d);
            self.idle_model.push(d);
        }
        let engine_idle: Vec<DriverId> = after.idle_drivers().collect();
        prop_assert_eq!(&engine_idle, &self.idle_model, "idle drivers, longest idle first");
        Ok(())
    }

    /// State checks that hold after every apply.
    pub(crate) fn check_state(&mut self, at: Millis, all_due_fired: bool) -> Result<(), TestCaseError> {
        let e = &self.engine;
        if let Err(violation) = e.check_invariants(at, all_due_fired) {
            return fail(format!("check_invariants at {at:?}: {violation}"));
        }

        // Idle drivers and live waiting orders never coexist, by the engine's queries...
        let waiting: Vec<OrderId> = e.waiting_at(at).collect();
        self.stats.max_waiting = self.stats.max_waiting.max(waiting.len() as u64);
        if e.idle_drivers().next().is_some() {
            prop_assert!(
                waiting.is_empty(),
                "idle drivers {:?} while {:?} wait",
                e.idle_drivers().collect::<Vec<_>>(),
                waiting
            );
        }
        // ...and by the raw tables; and the waiting queue has lost no live order.
        let live_waiting: Vec<OrderId> = e
            .orders()
            .iter()
            .filter(|o| o.status == OrderStatus::Created && at < o.deadline)
            .map(|o| o.id)
            .collect();
        prop_assert_eq!(&waiting, &live_waiting, "waiting queue vs live created orders");
        let idle = e
            .drivers()
            .iter()
            .filter(|d| d.status() == DriverStatus::Idle)
            .count();
        prop_assert!(
            idle == 0 || live_waiting.is_empty(),
            "{} idle drivers while {:?} wait",
            idle,
            live_waiting
        );

        // A driver holds at most one order, and holds exactly the orders assigned to them.
        for (i, driver) in e.drivers().iter().enumerate() {
            let held: Vec<&Order> = e
                .orders()
                .iter()
                .filter(|o| {
                    matches!(o.status, OrderStatus::Assigned | OrderStatus::PickedUp)
                        && o.driver == Some(DriverId(i as u32))
                })
                .collect();
            prop_assert!(
                held.len() <= 1,
                "driver {} holds {} orders",
                driver.name,
                held.len()
            );
            prop_assert_eq!(driver.order(), held.first().map(|o| o.id));
            let status = match held.first().map(|o| o.status) {
                None => DriverStatus::Idle,
                Some(OrderStatus::Assigned) => DriverStatus::Assigned,
                Some(_) => DriverStatus::InTransit,
            };
            prop_assert_eq!(driver.status(), status);
        }

        // Counts are conserved.
        let mut by_status = BTreeMap::new();
        for o in e.orders() {
            *by_status.entry(o.status).or_insert(0u64) += 1;
        }
        prop_assert_eq!(by_status.values().sum::<u64>(), e.orders().len() as u64);
        prop_assert_eq!(
            self.stats.orders_placed,
            e.orders().len() as u64,
            "orders vs placements"
        );
        let delivered = by_status.get(&OrderStatus::Delivered).copied().unwrap_or(0);
        let deliveries: u64 = e.drivers().iter().map(|d| u64::from(d.deliveries)).sum();
        prop_assert_eq!(deliveries, delivered, "drivers' deliveries vs delivered orders");
        let stars: u64 = e.orders().iter().filter_map(|o| o.rating).map(u64::from).sum();
        let rated = e.orders().iter().filter(|o| o.rating.is_some()).count() as u64;
        prop_assert_eq!(
            e.fleet_ratings(),
            (stars, rated),
            "fleet ratings vs order ratings"
        );

        // Deadlines: picked up strictly before; cancelled for no pickup exactly at it;
        // and once the due timers have run nothing waits past it.
        for o in e.orders() {
            if let Some(p) = o.picked_up_at {
                prop_assert!(
                    p < o.deadline,
                    "{:?} picked up at {:?}, deadline {:?}",
                    o.id,
                    p,
                    o.deadline
                );
            }
            match o.cancel_reason {
                Some(CancelReason::NoPickup) => prop_assert_eq!(o.cancelled_at, Some(o.deadline)),
                Some(CancelReason::Customer) => prop_assert!(o.cancelled_at.is_some_and(|c| c < o.deadline)),
                Some(CancelReason::RestaurantRejected) => prop_assert!(false, "a parcel was rejected"),
                None => {}
            }
            if all_due_fired && matches!(o.status, OrderStatus::Created | OrderStatus::Assigned) {
                prop_assert!(
                    o.deadline > at,
                    "{:?} is {:?} at {:?}, past its deadline {:?}",
                    o.id,
                    o.status,
                    at,
                    o.deadline
                );
            }
        }
        Ok(())
    }

    /// After a whole step every timer due at `now` has fired.
    pub(crate) fn check_settled(&self) -> Result<(), TestCaseError> {
        prop_assert!(
            self.timers.next_time().is_none_or(|t| t > self.now),
            "a due timer was left unfired"
        );
        for o in self.engine.orders() {
            if matches!(o.status, OrderStatus::Created | OrderStatus::Assigned) {
                prop_assert!(o.deadline > self.now, "{:?} outlived its deadline", o.id);
            }
        }
        Ok(())
    }
}
