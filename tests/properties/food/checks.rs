//! The checks of one successful apply: its events replayed into the test's model, each
//! move legal by the engine's table and by the SPEC's moves written by hand; no assignment
//! to a driver who failed the order; a newly ready order to the nearest idle driver, a
//! freed driver to the waiting order first ready; review flags as §8.2.7 counts them; one
//! deadline timer per assignment and an unassignment exactly at it. The checks of the
//! state after every apply are in `state`.

use super::*;

impl FoodHarness {
    /// Learns a successful command's effects from the command and its events, checking
    /// each event against the model as it goes.
    pub(crate) fn absorb(
        &mut self,
        before: &Engine,
        at: Millis,
        command: &Command,
        outcome: &Outcome,
    ) -> Result<(), TestCaseError> {
        self.learn_command(before, at, command, outcome)?;
        let idle_before: Vec<DriverId> = before.idle_drivers().collect();
        let mut taken_idle: Vec<DriverId> = Vec::new();
        let mut flags_due: Vec<(DriverId, OrderId)> = Vec::new();
        let mut flags_seen: Vec<(DriverId, OrderId)> = Vec::new();
        let mut timers_due: Vec<TimerRequest> = Vec::new();
        for event in &outcome.events {
            let o = event.order();
            prop_assert!(
                o.index() < self.model.meals.len(),
                "{:?} about an unknown order",
                event
            );
            if let Event::Assigned(o, d) = *event {
                self.check_assignment(before, o, d, &idle_before, &mut taken_idle)?;
            }
            let meal = &mut self.model.meals[o.index()];
            let from = meal.history.last().copied();
            if let Some(to) = event.status_after(Profile::Food) {
                match from {
                    None => prop_assert!(
                        matches!(event, Event::Placed(_)) && to == OrderStatus::Pending,
                        "{:?} appeared by {:?}",
                        o,
                        event
                    ),
                    Some(from) => {
                        prop_assert!(
                            Profile::Food.allows(from, to),
                            "table allows no {from} -> {to} ({:?})",
                            o
                        );
                        prop_assert!(spec_move(from, to), "SPEC §8.1 has no {from} -> {to} ({:?})", o);
                    }
                }
                meal.history.push(to);
            }
            match *event {
                Event::Ready(_) if meal.first_ready.is_none() => {
                    meal.first_ready = Some(self.model.next_ready);
                    self.model.next_ready += 1;
                }
                Event::Assigned(_, d) => {
                    prop_assert!(
                        !meal.failed.contains(&d),
                        "{:?} assigned to {:?}, who failed it",
                        o,
                        d
                    );
                    meal.holder = Some(d);
                    meal.assigned_at = Some(at);
                    meal.assignments += 1;
                    timers_due.push(TimerRequest {
                        at: Millis(at.0 + PICKUP_DEADLINE_MS),
                        timer: Timer::PickupDeadline {
                            order: o,
                            guard: Guard::Assignment(meal.assignments),
                        },
                    });
                }
                Event::Unassigned(_, d) => {
                    prop_assert_eq!(meal.holder, Some(d), "unassigned from a driver not holding it");
                    let on_time = meal.assigned_at.map(|a| Millis(a.0 + PICKUP_DEADLINE_MS));
                    meal.holder = None;
                    meal.failed.push(d);
                    match command {
                        Command::ExpireDeadline { .. } => {
                            prop_assert_eq!(Some(at), on_time, "unassigned by a timer off its deadline");
                            self.stats.timer_unassignments += 1;
                        }
                        Command::Release { driver, .. } => {
                            prop_assert_eq!(*driver, d);
                            self.stats.releases += 1;
                        }
                        _ => return fail(format!("{command:?} unassigned {o:?}")),
                    }
                    // Review: failures within (at − window, at], this one counted (§8.2.7).
                    let failures = &mut self.model.failures[d.index()];
                    failures.push(at);
                    let window = self.model.review_window_ms;
                    let recent = failures.iter().filter(|&&t| t.0 + window > at.0).count();
                    if !self.model.flagged[d.index()] && recent >= self.model.review_after as usize {
                        self.model.flagged[d.index()] = true;
                        flags_due.push((d, o));
                    }
                }
                Event::Cancelled(_, held, reason) => {
                    let Some(from) = from else {
                        return fail(format!("{o:?} cancelled before it existed"));
                    };
                    let want_holder = if from == OrderStatus::Assigned {
                        meal.holder
                    } else {
                        None
                    };
                    prop_assert_eq!(held, want_holder, "cancelled {:?} names the wrong driver", o);
                    let want_reason = match command {
                        Command::Kitchen {
                            step: KitchenStep::Reject,
                            ..
                        } => CancelReason::RestaurantRejected,
                        _ => CancelReason::Customer,
                    };
                    prop_assert_eq!(reason, want_reason);
                    meal.cancelled_from = Some((from, reason));
                    meal.holder = None;
                    let name = match reason {
                        CancelReason::RestaurantRejected => "pending (rejected)",
                        _ => from.as_str(),
                    };
                    *self.stats.cancelled_from.entry(name).or_default() += 1;
                }
                Event::PickedUp(_, d) | Event::Delivered(_, d) | Event::Rated(_, d, _) => {
                    prop_assert_eq!(meal.holder, Some(d), "{:?} by a driver not holding it", event);
                    match event {
                        Event::PickedUp(..) => self.stats.pickups += 1,
                        Event::Delivered(..) => self.stats.deliveries += 1,
                        _ => {
                            meal.rated = true;
                            self.stats.ratings += 1;
                        }
                    }
                }
                Event::Flagged(d, _) => flags_seen.push((d, o)),
                _ => {}
            }
        }
        prop_assert_eq!(&flags_seen, &flags_due, "review flags differ from SPEC §8.2.7");
        self.stats.flags += flags_seen.len() as u64;
        prop_assert_eq!(&outcome.timers, &timers_due, "one deadline timer per assignment");
        if let Command::ExpireDeadline { .. } = command {
            if outcome.events.is_empty() {
                prop_assert!(
                    self.engine == *before,
                    "a stale deadline timer changed the engine"
                );
                self.stats.stale_timers += 1;
            }
        }
        for (i, meal) in self.model.meals.iter().enumerate() {
            prop_assert_eq!(
                meal.status(),
                self.engine.orders()[i].status,
                "events do not account for order-{}'s status",
                i + 1
            );
        }
        Ok(())
    }

    /// What the command itself teaches the model: the world, a new meal and its key,
    /// restocks and openings.
    fn learn_command(
        &mut self,
        before: &Engine,
        at: Millis,
        command: &Command,
        outcome: &Outcome,
    ) -> Result<(), TestCaseError> {
        let m = &mut self.model;
        match command {
            Command::OnboardRestaurant {
                name, location, open, ..
            } => {
                m.names.insert(name.clone());
                m.restaurant_at.push(*location);
                m.menus.push(Vec::new());
                m.open.push(*open);
            }
            Command::SetMenuItem {
                restaurant,
                price,
                stock,
                ..
            } => m.menus[restaurant.index()].push(Dish {
                price: *price,
                initial: *stock,
                restocked: 0,
            }),
            Command::OnboardCustomer { name, location, .. } => {
                m.names.insert(name.clone());
                m.customers.extend(*location);
            }
            Command::OnboardDriver { name, .. } => {
                m.names.insert(name.clone());
                m.drivers += 1;
                m.failures.push(Vec::new());
                m.flagged.push(false);
            }
            Command::Restock {
                restaurant,
                item,
                amount,
            } => {
                m.menus[restaurant.index()][item.index()].restocked += amount;
                self.stats.restocks += 1;
            }
            Command::SetOpen { restaurant, open } => m.open[restaurant.index()] = *open,
            Command::PlaceMeal {
                customer,
                restaurant,
                lines,
                tip,
                key,
            } => match outcome.reply {
                Reply::Placed { duplicate: true, .. } => {
                    prop_assert!(self.engine == *before, "a repeated key changed the engine");
                    prop_assert!(outcome.notices.is_empty() && outcome.timers.is_empty());
                    self.stats.duplicates += 1;
                }
                Reply::Placed { order, .. } => {
                    prop_assert_eq!(order.index(), m.meals.len(), "order ids are sequential");
                    let subtotal = lines
                        .iter()
                        .map(|l| m.menus[restaurant.index()][l.item.index()].price * u64::from(l.quantity))
                        .sum();
                    m.meals.push(Meal {
                        customer: *customer,
                        restaurant: *restaurant,
                        lines: lines.clone(),
                        tip: *tip,
                        subtotal,
                        delivery_fee: m.fee(*restaurant, *customer),
                        history: Vec::new(),
                        holder: None,
                        assigned_at: None,
                        assignments: 0,
                        failed: Vec::new(),
                        first_ready: None,
                        cancelled_from: None,
                        rated: false,
                    });
                    if let Some(k) = key {
                        if m.keys.insert(k.clone(), (order, at)).is_some() {
                            self.stats.keys_reused_after_expiry += 1;
                        }
                    }
                    self.stats.placed += 1;
                }
                ref other => return fail(format!("a placement replied {other:?}")),
            },
            _ => {}
        }
        Ok(())
    }

    /// An assignment goes either to an idle driver, for an order that just became ready
    /// (the nearest to the restaurant, ties to the longest idle), or to a driver freed by
    /// this command, who takes the waiting order they may take that was first ready first.
    fn check_assignment(
        &mut self,
        before: &Engine,
        o: OrderId,
        d: DriverId,
        idle_before: &[DriverId],
        taken_idle: &mut Vec<DriverId>,
    ) -> Result<(), TestCaseError> {
        let m = &self.model;
        let meal = &m.meals[o.index()];
        prop_assert_eq!(
            meal.status(),
            OrderStatus::Ready,
            "{:?} assigned while not ready",
            o
        );
        if idle_before.contains(&d) && !taken_idle.contains(&d) {
            let pickup = m.restaurant_at[meal.restaurant.index()];
            let distance = |c: DriverId| {
                before.drivers()[c.index()]
                    .location
                    .map_or(f64::INFINITY, |at| at.haversine_km(pickup))
            };
            let candidates: Vec<DriverId> = idle_before
                .iter()
                .copied()
                .filter(|c| !taken_idle.contains(c) && !meal.failed.contains(c))
                .collect();
            let best = candidates
                .iter()
                .map(|&c| distance(c))
                .fold(f64::INFINITY, f64::min);
            let first_best = candidates.iter().copied().find(|&c| distance(c) == best);
            prop_assert_eq!(
                Some(d),
                first_best,
                "{:?} did not go to the nearest idle driver",
                o
            );
            taken_idle.push(d);
            self.stats.dispatched_to_idle += 1;
            return Ok(());
        }
        let mut waiting: Vec<(u64, OrderId, bool)> = m
            .meals
            .iter()
            .enumerate()
            .filter(|(_, w)| w.status() == OrderStatus::Ready)
            .map(|(i, w)| {
                (
                    w.first_ready.unwrap_or(u64::MAX),
                    OrderId(i as u32),
                    w.failed.contains(&d),
                )
            })
            .collect();
        waiting.sort();
        let eligible: Vec<OrderId> = waiting.iter().filter(|w| !w.2).map(|w| w.1).collect();
        prop_assert_eq!(
            eligible.first(),
            Some(&o),
            "freed {:?} took {:?}, not the first ready it may take; waiting (first ready, order, failed): {:?}",
            d,
            o,
            waiting
        );
        self.stats.freed_took_waiting += 1;
        if eligible.len() >= 2 {
            self.stats.freed_chose_among_several += 1;
        }
        if waiting.first().is_some_and(|w| w.2) {
            self.stats.freed_skipped_failed += 1;
        }
        Ok(())
    }
}
