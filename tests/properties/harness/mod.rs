//! The virtual-clock harness: drives the engine the way the virtual-clock shell does (timers
//! fire at their own instants before every command) and records what it saw.

mod outcome;
mod resolve;
mod state;

use crate::*;

// ----- what a run saw -----

#[derive(Clone, Debug, Default)]
pub(crate) struct Stats {
    pub(crate) sequences: u64,
    pub(crate) steps: u64,
    pub(crate) commands: u64,
    pub(crate) timers_fired: u64,
    pub(crate) orders_placed: u64,
    pub(crate) duplicates_prevented: u64,
    pub(crate) placed_and_waited: u64,
    pub(crate) freed_driver_took_waiting: u64,
    pub(crate) pickups: u64,
    pub(crate) pickups_in_last_ms: u64,
    pub(crate) deliveries: u64,
    pub(crate) ratings: u64,
    pub(crate) customer_cancels: u64,
    pub(crate) customer_cancels_of_assigned: u64,
    pub(crate) deadline_cancels: u64,
    pub(crate) deadline_cancels_of_assigned: u64,
    pub(crate) pickups_refused_at_deadline: u64,
    pub(crate) commands_racing_a_timer: u64,
    pub(crate) max_waiting: u64,
    pub(crate) refusals: BTreeMap<&'static str, u64>,
}

impl Stats {
    pub(crate) fn merge(&mut self, other: &Stats) {
        self.sequences += other.sequences;
        self.steps += other.steps;
        self.commands += other.commands;
        self.timers_fired += other.timers_fired;
        self.orders_placed += other.orders_placed;
        self.duplicates_prevented += other.duplicates_prevented;
        self.placed_and_waited += other.placed_and_waited;
        self.freed_driver_took_waiting += other.freed_driver_took_waiting;
        self.pickups += other.pickups;
        self.pickups_in_last_ms += other.pickups_in_last_ms;
        self.deliveries += other.deliveries;
        self.ratings += other.ratings;
        self.customer_cancels += other.customer_cancels;
        self.customer_cancels_of_assigned += other.customer_cancels_of_assigned;
        self.deadline_cancels += other.deadline_cancels;
        self.deadline_cancels_of_assigned += other.deadline_cancels_of_assigned;
        self.pickups_refused_at_deadline += other.pickups_refused_at_deadline;
        self.commands_racing_a_timer += other.commands_racing_a_timer;
        self.max_waiting = self.max_waiting.max(other.max_waiting);
        for (code, n) in &other.refusals {
            *self.refusals.entry(code).or_default() += n;
        }
    }

    pub(crate) fn refused(&self, code: &str) -> u64 {
        self.refusals.get(code).copied().unwrap_or(0)
    }
}

pub(crate) type Entry = (Millis, Command, Result<Outcome, Refusal>);

/// The virtual-clock harness: the engine, its timers, the clock, and what the test has
/// observed so far.
pub(crate) struct Harness {
    pub(crate) engine: Engine,
    pub(crate) timers: EventQueue<Timer>,
    pub(crate) now: Millis,
    /// Every (time, command, result) applied, timers included, for replay.
    pub(crate) log: Vec<Entry>,
    /// Each order's observed statuses, one entry per observed change.
    pub(crate) history: Vec<Vec<OrderStatus>>,
    /// Idle drivers in the order the test saw them become idle: longest idle first.
    pub(crate) idle_model: Vec<DriverId>,
    pub(crate) last_place: Option<Command>,
    pub(crate) stats: Stats,
}

pub(crate) fn fail<T>(message: String) -> Result<T, TestCaseError> {
    Err(TestCaseError::fail(message))
}

impl Harness {
    pub(crate) fn new() -> Harness {
        Harness {
            engine: Engine::default(),
            timers: EventQueue::new(),
            now: Millis::ZERO,
            log: Vec::new(),
            history: Vec::new(),
            idle_model: Vec::new(),
            last_place: None,
            stats: Stats {
                sequences: 1,
                ..Stats::default()
            },
        }
    }

    pub(crate) fn step(&mut self, op: &Op) -> Result<(), TestCaseError> {
        self.stats.steps += 1;
        match *op {
            Op::Wait(ms) => self.advance_to(Millis(self.now.0 + ms))?,
            Op::WaitForDeadline { order, early } => {
                let live: Vec<Millis> = self
                    .engine
                    .orders()
                    .iter()
                    .filter(|o| matches!(o.status, OrderStatus::Created | OrderStatus::Assigned))
                    .map(|o| o.deadline)
                    .filter(|d| d.0 > self.now.0 + 1)
                    .collect();
                if !live.is_empty() {
                    let deadline = live[usize::from(order) % live.len()];
                    self.advance_to(Millis(deadline.0 - u64::from(early)))?;
                }
            }
            Op::RaceDeadlineTimer { order, action } => {
                let live: Vec<&Order> = self
                    .engine
                    .orders()
                    .iter()
                    .filter(|o| matches!(o.status, OrderStatus::Created | OrderStatus::Assigned))
                    .filter(|o| o.deadline > self.now)
                    .collect();
                if !live.is_empty() {
                    let target = live[usize::from(order) % live.len()].clone();
                    let holder = target.driver.unwrap_or(DriverId(0));
                    let command = match action {
                        0 => Command::Pickup {
                            driver: holder,
                            order: target.id,
                        },
                        1 => Command::CancelOrder {
                            order: target.id,
                            by: target.sender,
                        },
                        2 => Command::Deliver {
                            driver: holder,
                            order: target.id,
                        },
                        _ => Command::Rate {
                            order: target.id,
                            stars: 5,
                            by: target.sender,
                        },
                    };
                    // Timers due before the deadline fire as usual; those due at it lag.
                    self.advance_to(Millis(target.deadline.0 - 1))?;
                    self.now = target.deadline;
                    self.stats.commands += 1;
                    self.stats.commands_racing_a_timer += 1;
                    self.apply(self.now, command, false)?;
                    self.fire_until(self.now)?;
                }
            }
            _ => {
                // Timers due at or before now fire before the next command runs (SPEC §2).
                self.fire_until(self.now)?;
                if let Some(command) = self.resolve(op) {
                    if matches!(command, Command::PlaceOrder { .. }) {
                        self.last_place = Some(command.clone());
                    }
                    self.stats.commands += 1;
                    self.apply(self.now, command, true)?;
                }
            }
        }
        self.check_settled()
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
            self.stats.timers_fired += 1;
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

        // The refusal code (or success) is the one the SPEC's table gives.
        match (expected(&before, at, &command), &result) {
            (Ok(()), Ok(_)) => {}
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
                if let Command::Pickup { order, .. } = command {
                    if *refusal == Refusal::OrderCancelled && before.orders()[order.index()].deadline == at {
                        self.stats.pickups_refused_at_deadline += 1;
                    }
                }
            }
            Ok(outcome) => {
                self.check_outcome(&before, at, &command, outcome)?;
                for request in &outcome.timers {
                    if let Err(exhausted) = self.timers.push(request.at, request.timer) {
                        return fail(exhausted.to_string());
                    }
                }
            }
        }

        self.check_history(at, &before)?;
        self.check_idle_model(&before, &command, &result)?;
        self.check_state(at, all_due_fired)?;
        self.log.push((at, command, result));
        Ok(())
    }
}
