//! The food harness: drives a food engine the way the virtual-clock shell does (every
//! timer fires at its own instant, in (time, seq) order, before any later command), turns
//! generated steps into commands against the test's model, and checks every apply.

use super::*;

/// What the runs did, to show that the generator reaches the races.
#[derive(Clone, Debug, Default)]
pub(crate) struct FoodStats {
    pub(crate) steps: u64,
    pub(crate) placed: u64,
    pub(crate) duplicates: u64,
    pub(crate) keys_reused_after_expiry: u64,
    pub(crate) pickups: u64,
    pub(crate) deliveries: u64,
    pub(crate) ratings: u64,
    pub(crate) restocks: u64,
    /// Cancellations by the status they came from (rejections under `pending*`).
    pub(crate) cancelled_from: BTreeMap<&'static str, u64>,
    pub(crate) timer_unassignments: u64,
    pub(crate) releases: u64,
    pub(crate) stale_timers: u64,
    pub(crate) flags: u64,
    pub(crate) dispatched_to_idle: u64,
    pub(crate) freed_took_waiting: u64,
    /// A freed driver chose among two or more waiting orders it may take.
    pub(crate) freed_chose_among_several: u64,
    /// A freed driver skipped an earlier waiting order because it had failed it.
    pub(crate) freed_skipped_failed: u64,
    pub(crate) races_at_deadline: u64,
    pub(crate) refusals: BTreeMap<&'static str, u64>,
}

impl FoodStats {
    pub(crate) fn merge(&mut self, o: &FoodStats) {
        self.steps += o.steps;
        self.placed += o.placed;
        self.duplicates += o.duplicates;
        self.keys_reused_after_expiry += o.keys_reused_after_expiry;
        self.pickups += o.pickups;
        self.deliveries += o.deliveries;
        self.ratings += o.ratings;
        self.restocks += o.restocks;
        self.timer_unassignments += o.timer_unassignments;
        self.releases += o.releases;
        self.stale_timers += o.stale_timers;
        self.flags += o.flags;
        self.dispatched_to_idle += o.dispatched_to_idle;
        self.freed_took_waiting += o.freed_took_waiting;
        self.freed_chose_among_several += o.freed_chose_among_several;
        self.freed_skipped_failed += o.freed_skipped_failed;
        self.races_at_deadline += o.races_at_deadline;
        for (k, n) in &o.cancelled_from {
            *self.cancelled_from.entry(k).or_default() += n;
        }
        for (k, n) in &o.refusals {
            *self.refusals.entry(k).or_default() += n;
        }
    }

    pub(crate) fn refused(&self, code: &str) -> u64 {
        self.refusals.get(code).copied().unwrap_or(0)
    }
}

/// The food harness.
pub(crate) struct FoodHarness {
    pub(crate) engine: Engine,
    pub(crate) timers: EventQueue<Timer>,
    pub(crate) now: Millis,
    pub(crate) model: Model,
    pub(crate) last_place: Option<Command>,
    pub(crate) log: Vec<(Millis, Command, Result<Outcome, Refusal>)>,
    pub(crate) stats: FoodStats,
}

impl FoodHarness {
    /// A food engine with short deadlines, short-lived keys and a low review threshold, and
    /// the generated world onboarded at time 0 (each onboarding checked like any command).
    pub(crate) fn new(world: &World) -> Result<FoodHarness, TestCaseError> {
        let mut config = EngineConfig::for_profile(Profile::Food);
        config.pickup_deadline = Millis(PICKUP_DEADLINE_MS);
        config.key_ttl = Some(Millis(KEY_TTL_MS));
        config.food.review_after = world.review_after;
        if world.short_review_window {
            config.food.review_window = Millis(SHORT_REVIEW_WINDOW_MS);
        }
        let model = Model {
            review_after: world.review_after,
            review_window_ms: config.food.review_window.0,
            ..Model::default()
        };
        let Ok(engine) = Engine::new(config) else {
            return fail("the food config was refused".to_string());
        };
        let mut h = FoodHarness {
            engine,
            timers: EventQueue::new(),
            now: Millis::ZERO,
            model,
            last_place: None,
            log: Vec::new(),
            stats: FoodStats::default(),
        };
        for (r, spec) in world.restaurants.iter().enumerate() {
            h.apply_checked(Command::OnboardRestaurant {
                name: format!("r{r}"),
                contact: Contact::default(),
                location: place(spec.at),
                prep: Millis(PREP_MS),
                open: spec.open,
            })?;
            for (i, dish) in spec.menu.iter().enumerate() {
                h.apply_checked(Command::SetMenuItem {
                    restaurant: RestaurantId(r as u32),
                    item: format!("dish{i}"),
                    price: dish.price,
                    stock: dish.stock,
                })?;
            }
        }
        for (c, &at) in world.customers.iter().enumerate() {
            h.apply_checked(Command::OnboardCustomer {
                name: format!("c{c}"),
                contact: Contact::default(),
                address: None,
                location: Some(place(at)),
            })?;
        }
        for (d, &at) in world.drivers.iter().enumerate() {
            h.apply_checked(Command::OnboardDriver {
                name: format!("d{d}"),
                contact: Contact::default(),
                location: Some(place(at)),
            })?;
        }
        Ok(h)
    }

    fn apply_checked(&mut self, command: Command) -> Result<(), TestCaseError> {
        self.apply(self.now, command, true)?;
        match self.log.last() {
            Some((_, c, Err(r))) => fail(format!("setting up the world: {c:?} was refused: {r}")),
            _ => Ok(()),
        }
    }

    pub(crate) fn step(&mut self, op: &FoodOp) -> Result<(), TestCaseError> {
        self.stats.steps += 1;
        let assigned: Vec<(OrderId, Millis, DriverId)> = self
            .model
            .meals
            .iter()
            .enumerate()
            .filter_map(|(i, m)| Some((OrderId(i as u32), m.deadline()?, m.holder?)))
            .filter(|&(_, deadline, _)| deadline.0 > self.now.0 + 1)
            .collect();
        let pick = |sel: u8| assigned[usize::from(sel) % assigned.len()];
        match *op {
            FoodOp::Wait(ms) => self.advance_to(Millis(self.now.0 + ms))?,
            FoodOp::WaitForDeadline { order, early } if !assigned.is_empty() => {
                let (_, deadline, _) = pick(order);
                self.advance_to(Millis(deadline.0 - u64::from(early)))?;
            }
            FoodOp::RaceDeadline { order, release } if !assigned.is_empty() => {
                let (order, deadline, driver) = pick(order);
                // Timers due before the deadline fire; the one due at it lags behind.
                self.advance_to(Millis(deadline.0 - 1))?;
                self.now = deadline;
                let command = if release {
                    Command::Release { driver, order }
                } else {
                    Command::Pickup { driver, order }
                };
                if self.model.meals[order.index()].deadline() == Some(deadline) {
                    self.stats.races_at_deadline += 1;
                }
                self.apply(self.now, command, false)?;
                self.fire_until(self.now)?;
            }
            FoodOp::WaitForDeadline { .. } | FoodOp::RaceDeadline { .. } => {}
            _ => {
                // Timers due at or before now fire before the next command runs (SPEC §2).
                self.fire_until(self.now)?;
                if let Some(command) = self.resolve(op) {
                    if matches!(command, Command::PlaceMeal { .. }) {
                        self.last_place = Some(command.clone());
                    }
                    self.apply(self.now, command, true)?;
                }
            }
        }
        prop_assert!(
            self.timers.next_time().is_none_or(|t| t > self.now),
            "a due timer was left unfired"
        );
        Ok(())
    }

    pub(crate) fn advance_to(&mut self, target: Millis) -> Result<(), TestCaseError> {
        self.fire_until(target)?;
        self.now = target;
        Ok(())
    }

    /// Fires every timer due at or before `until`, each at its own instant, in (time, seq)
    /// order, as the virtual-clock shell does.
    pub(crate) fn fire_until(&mut self, until: Millis) -> Result<(), TestCaseError> {
        while let Some((at, _seq, timer)) = self.timers.pop_due(until) {
            prop_assert!(
                at >= self.now,
                "timer due at {:?} found only at {:?}",
                at,
                self.now
            );
            self.now = at;
            let all_due_fired = self.timers.next_time().is_none_or(|next| next > at);
            self.apply(at, timer.command(), all_due_fired)?;
            if let Some((_, command, Err(refusal))) = self.log.last() {
                return fail(format!("timer {command:?} was refused: {refusal}"));
            }
        }
        Ok(())
    }

    /// Applies one command (or fired timer) at `at` and checks everything about it.
    /// `all_due_fired`: every deadline timer due at `at` has run once this call is done.
    pub(crate) fn apply(
        &mut self,
        at: Millis,
        command: Command,
        all_due_fired: bool,
    ) -> Result<(), TestCaseError> {
        let before = self.engine.clone();
        let result = self.engine.apply(at, &command);
        let expected = self.model.expected(at, &command);
        match (&expected, &result) {
            (Ok(None), Ok(o)) if !matches!(o.reply, Reply::Placed { duplicate: true, .. }) => {}
            (Ok(Some(first)), Ok(o))
                if o.reply
                    == (Reply::Placed {
                        order: *first,
                        duplicate: true,
                    }) => {}
            (Err(codes), Err(refusal)) if codes.contains(refusal) => {}
            (want, got) => {
                return fail(format!(
                    "{command:?} at {at:?}: SPEC expects {want:?}, engine gave {:?}",
                    got.as_ref().map(|o| &o.reply)
                ))
            }
        }
        match &result {
            Err(refusal) => {
                prop_assert!(
                    self.engine == before,
                    "refused {:?} ({}) changed the engine",
                    command,
                    refusal
                );
                *self.stats.refusals.entry(refusal.code()).or_default() += 1;
            }
            Ok(outcome) => {
                self.absorb(&before, at, &command, outcome)?;
                for request in &outcome.timers {
                    if let Err(exhausted) = self.timers.push(request.at, request.timer) {
                        return fail(exhausted.to_string());
                    }
                }
            }
        }
        self.check_state(at, all_due_fired)?;
        self.log.push((at, command, result));
        Ok(())
    }
}
