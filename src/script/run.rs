//! Runs a parsed script on the virtual clock and writes its transcript: each command as
//! written with the instant it ran, its result (or `error CODE: message`), and every
//! notification with its time, channel and recipient, in the order they happen.
//!
//! Timers due at or before the current instant fire before the next line runs; `wait` and
//! `at` fire the timers they pass over at their own instants, in (time, sequence) order.
//!
//! This file runs the lines both profiles share; `food` the food profile's own commands
//! and the words for what they did; `status` the read-only lines (`status …`, `top`).

use std::collections::BTreeSet;
use std::io::Write;

use super::expect::{self, Observed};
use super::host::{Host, VirtualHost};
use super::lookup::{self, Refused};
use super::parse::{Expectation, Line, Stmt};
use super::view;
use super::ScriptError;

mod food;
mod status;
use crate::engine::{Command, Contact, Engine, NoticeKind, OrderId, Outcome, Refusal, Reply, Timer};
use crate::notify::Notifier;
use crate::time::Millis;

/// An `expect` line that did not hold.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    /// Its line number.
    pub line: usize,
    /// What was expected and what was found.
    pub message: String,
}

/// How a script run ended, when it ran to its end.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RunSummary {
    /// `expect` lines evaluated.
    pub expectations: usize,
    /// Those that did not hold.
    pub failures: Vec<Failure>,
}

/// The script shell's state: where it runs (engine and clock) and what was seen.
pub struct Interpreter<'w, H: Host = VirtualHost> {
    file: String,
    host: H,
    notifier: Notifier,
    notified: BTreeSet<(String, NoticeKind, OrderId)>,
    last_result: Option<Result<(), Refusal>>,
    enforce: bool,
    out: &'w mut dyn Write,
    summary: RunSummary,
}

impl<'w> Interpreter<'w, VirtualHost> {
    /// A fresh platform (no one onboarded, default catalog, `longest_idle`, 60 s deadline)
    /// on the virtual clock, whose transcript goes to `out`. With `enforce`, failed
    /// expectations are collected as failures; without, they are only shown.
    pub fn new(file: &str, enforce: bool, out: &'w mut dyn Write) -> Self {
        Interpreter::with_host(file, enforce, out, VirtualHost::default())
    }
}

impl<'w, H: Host> Interpreter<'w, H> {
    /// A script run on `host`.
    pub fn with_host(file: &str, enforce: bool, out: &'w mut dyn Write, host: H) -> Self {
        Interpreter {
            file: file.to_string(),
            host,
            notifier: Notifier::default(),
            notified: BTreeSet::new(),
            last_result: None,
            enforce,
            out,
            summary: RunSummary::default(),
        }
    }

    /// The engine, as the script has left it.
    pub fn engine(&self) -> &Engine {
        self.host.engine()
    }

    /// Runs every line, then the timers due at the final instant.
    pub fn run(self, lines: &[Line]) -> Result<RunSummary, ScriptError> {
        self.run_keeping_host(lines).map(|(summary, _)| summary)
    }

    /// Runs every line and hands back the host with the summary.
    pub fn run_keeping_host(mut self, lines: &[Line]) -> Result<(RunSummary, H), ScriptError> {
        for line in lines {
            self.fire_timers_until(self.host.now())?;
            match &line.stmt {
                Stmt::Expect(expectation) => self.expect(line, expectation)?,
                stmt => {
                    self.say(&format!("[{}] {}", self.host.now().clock(), line.text))?;
                    let result = self.execute(line, stmt)?;
                    self.last_result = Some(result);
                }
            }
        }
        self.fire_timers_until(self.host.now())?;
        Ok((self.summary, self.host))
    }

    fn say(&mut self, text: &str) -> Result<(), ScriptError> {
        writeln!(self.out, "{text}").map_err(ScriptError::Write)
    }

    fn script_error(&self, line: &Line, message: String) -> ScriptError {
        ScriptError::Line {
            file: self.file.clone(),
            line: line.number,
            message,
        }
    }

    /// Applies a command and prints its result and effects; a refusal is printed and
    /// returned (it is a result, not an error of the script).
    fn apply(
        &mut self,
        command: Command,
        describe: impl FnOnce(&Engine, &Outcome) -> String,
    ) -> Result<Result<(), Refusal>, ScriptError> {
        match self.host.apply(&command) {
            Ok(outcome) => {
                let text = describe(self.host.engine(), &outcome);
                self.say(&format!("  ok: {text}"))?;
                self.effects(self.host.now(), &outcome)?;
                Ok(Ok(()))
            }
            Err(refusal) => {
                let message = self.host.engine().explain(self.host.now(), &command, refusal);
                self.refuse(Refused { refusal, message })
            }
        }
    }

    /// Sends the outcome's notifications (the host has set its timers), at instant `at`.
    fn effects(&mut self, at: Millis, outcome: &Outcome) -> Result<(), ScriptError> {
        for notice in &outcome.notices {
            let name = self.host.engine().name_of(notice.to).to_string();
            self.notified.insert((name, notice.kind, notice.order));
            for (_, log) in self.notifier.send(self.host.engine(), at, notice) {
                self.say(&format!("  [{}] {log}", at.clock()))?;
            }
        }
        Ok(())
    }

    /// Fires every timer due at or before `until`, each at its own instant.
    fn fire_timers_until(&mut self, until: Millis) -> Result<(), ScriptError> {
        while let Some(fired) = self.host.fire_next(until)? {
            if let (Timer::PickupDeadline { order, .. }, Reply::DeadlineExpired { cancelled: true }) =
                (fired.timer, &fired.outcome.reply)
            {
                self.say(&format!(
                    "[{}] timer: pickup deadline of {order}",
                    fired.at.clock()
                ))?;
                self.say(&format!("  {order} cancelled: not picked up in time (no_pickup)"))?;
                self.effects(fired.at, &fired.outcome)?;
            }
            if let (Timer::PickupDeadline { order, .. }, Reply::Unassigned { driver }) =
                (fired.timer, &fired.outcome.reply)
            {
                self.say(&format!(
                    "[{}] timer: pickup deadline of {order}",
                    fired.at.clock()
                ))?;
                let engine = self.host.engine();
                let head = format!(
                    "{order} unassigned from {}: not picked up by {}",
                    engine.drivers()[driver.index()].name,
                    fired.at.clock()
                );
                let text = food::handover_text(engine, order, *driver, &fired.outcome, head);
                self.say(&format!("  {text}"))?;
                self.effects(fired.at, &fired.outcome)?;
            }
        }
        Ok(())
    }

    fn expect(&mut self, line: &Line, expectation: &Expectation) -> Result<(), ScriptError> {
        self.summary.expectations += 1;
        let seen = Observed {
            engine: self.host.engine(),
            last_result: self.last_result,
            notified: &self.notified,
        };
        match expect::check(expectation, &seen) {
            Ok(()) => self.say(&format!("[{}] {}\n  pass", self.host.now().clock(), line.text)),
            Err(message) => {
                let note = if self.enforce { "" } else { " (not enforced)" };
                self.say(&format!(
                    "[{}] {}\n  FAIL{note}: {message}",
                    self.host.now().clock(),
                    line.text
                ))?;
                if self.enforce {
                    self.summary.failures.push(Failure {
                        line: line.number,
                        message,
                    });
                }
                Ok(())
            }
        }
    }

    /// Runs one non-expect statement. The outer error stops the script; the inner result
    /// is what `expect ok` / `expect error` see.
    fn execute(&mut self, line: &Line, stmt: &Stmt) -> Result<Result<(), Refusal>, ScriptError> {
        match stmt {
            Stmt::OnboardCustomer {
                name,
                email,
                phone,
                address,
                at,
            } => {
                let contact = Contact {
                    email: Some(email.clone()),
                    phone: Some(phone.clone()),
                };
                let command = Command::OnboardCustomer {
                    name: name.clone(),
                    contact,
                    address: address.clone(),
                    location: *at,
                };
                self.apply(command, |_, _| format!("welcome {name}!"))
            }
            Stmt::OnboardDriver {
                name,
                email,
                phone,
                at,
            } => {
                let contact = Contact {
                    email: email.clone(),
                    phone: phone.clone(),
                };
                let command = Command::OnboardDriver {
                    name: name.clone(),
                    contact,
                    location: *at,
                };
                self.apply(command, |_, _| format!("welcome {name}!"))
            }
            Stmt::Items => {
                let items = self.host.engine().catalog().join(", ");
                self.say(&format!("  ok: items: {items}"))?;
                Ok(Ok(()))
            }
            Stmt::Catalog(items) => {
                let items = items.clone();
                self.host
                    .reconfigure(&mut |c| c.catalog = items.clone())
                    .map_err(|e| self.script_error(line, format!("`catalog`: {e}")))?;
                let text = self.host.engine().catalog().join(", ");
                self.say(&format!("  ok: catalog is now: {text}"))?;
                Ok(Ok(()))
            }
            Stmt::Set(settings) => {
                self.host
                    .reconfigure(&mut |c| settings.apply_to(c))
                    .map_err(|e| self.script_error(line, format!("`set`: {e}")))?;
                let text = food::settings_text(self.host.engine().config(), settings);
                self.say(&format!("  ok: {text}"))?;
                Ok(Ok(()))
            }
            Stmt::Place { from, to, item, key } => {
                let engine = self.host.engine();
                let resolved = lookup::customer(engine, from).and_then(|sender| {
                    Ok(Command::PlaceOrder {
                        sender,
                        recipient: lookup::customer(engine, to)?,
                        item: lookup::item(engine, item)?,
                        key: key.clone(),
                    })
                });
                let command = match resolved {
                    Ok(command) => command,
                    Err(refused) => return self.refuse(refused),
                };
                self.apply(command, |engine, outcome| match outcome.reply {
                    Reply::Placed {
                        order,
                        duplicate: true,
                    } => format!("{order} already placed with this key; nothing new created"),
                    Reply::Placed { order, .. } => match engine.orders()[order.index()].driver {
                        Some(d) => {
                            format!("{order} placed, assigned to {}", engine.drivers()[d.index()].name)
                        }
                        None => format!("{order} placed, waiting for a driver"),
                    },
                    _ => String::new(),
                })
            }
            Stmt::Cancel { order, by } => {
                let engine = self.host.engine();
                let resolved = lookup::order(engine, order).and_then(|id| {
                    let by = match by {
                        Some(name) => lookup::customer(engine, name)?,
                        None => engine.orders()[id.index()].sender,
                    };
                    Ok(Command::CancelOrder { order: id, by })
                });
                match resolved {
                    Ok(command) => self.apply(command, |engine, _| {
                        format!("{order} cancelled{}", food::refund_text(engine, order))
                    }),
                    Err(refused) => self.refuse(refused),
                }
            }
            Stmt::Pickup { driver, order } | Stmt::Deliver { driver, order } => {
                let pickup = matches!(stmt, Stmt::Pickup { .. });
                let engine = self.host.engine();
                let resolved = lookup::driver(engine, driver).and_then(|d| {
                    let o = lookup::order(engine, order)?;
                    Ok(if pickup {
                        Command::Pickup { driver: d, order: o }
                    } else {
                        Command::Deliver { driver: d, order: o }
                    })
                });
                let verb = if pickup { "picked up" } else { "delivered" };
                match resolved {
                    Ok(command) => self.apply(command, |_, _| format!("{order} {verb} by {driver}")),
                    Err(refused) => self.refuse(refused),
                }
            }
            Stmt::Rate { order, stars, by } => {
                let engine = self.host.engine();
                let resolved = lookup::order(engine, order).and_then(|id| {
                    let by = match by {
                        Some(name) => lookup::customer(engine, name)?,
                        None => engine.orders()[id.index()].sender,
                    };
                    Ok(Command::Rate {
                        order: id,
                        stars: *stars,
                        by,
                    })
                });
                match resolved {
                    Ok(command) => self.apply(command, |engine, _| {
                        let id = engine.order_by_name(order).ok();
                        let driver = id
                            .and_then(|id| engine.orders()[id.index()].driver)
                            .map_or("", |d| engine.drivers()[d.index()].name.as_str());
                        format!(
                            "{order} rated {stars} star{} for {driver}",
                            if *stars == 1 { "" } else { "s" }
                        )
                    }),
                    Err(refused) => self.refuse(refused),
                }
            }
            Stmt::StatusOrder(_)
            | Stmt::StatusDriver(_)
            | Stmt::StatusOrders
            | Stmt::StatusDrivers
            | Stmt::Top { .. }
            | Stmt::StatusRestaurant(_)
            | Stmt::StatusInvoice(_) => self.status(stmt),
            Stmt::Wait(span) => {
                let target = self
                    .host
                    .now()
                    .checked_add(*span)
                    .ok_or_else(|| self.script_error(line, "`wait` goes past the end of time".into()))?;
                self.advance_to(target)
            }
            Stmt::At(target) => {
                if *target < self.host.now() {
                    return Err(self.script_error(
                        line,
                        format!("`at {target}` is earlier than now ({})", self.host.now()),
                    ));
                }
                self.advance_to(*target)
            }
            Stmt::OnboardRestaurant { .. }
            | Stmt::Menu { .. }
            | Stmt::Restock { .. }
            | Stmt::SetOpen { .. }
            | Stmt::PlaceMeal { .. }
            | Stmt::Kitchen { .. }
            | Stmt::Release { .. } => self.execute_food(stmt),
            Stmt::Expect(_) => unreachable!("expectations are handled by the caller"),
        }
    }

    fn advance_to(&mut self, target: Millis) -> Result<Result<(), Refusal>, ScriptError> {
        // The host's clock is at `target` once nothing due by then is left.
        self.fire_timers_until(target)?;
        self.say(&format!("  ok: the clock is at {}", self.host.now().clock()))?;
        Ok(Ok(()))
    }

    fn list(&mut self, what: &str, lines: Vec<String>) -> Result<Result<(), Refusal>, ScriptError> {
        self.say(&format!("  ok: {what}: {}", lines.len()))?;
        for line in lines {
            self.say(&format!("    {line}"))?;
        }
        Ok(Ok(()))
    }

    fn refuse(&mut self, refused: Refused) -> Result<Result<(), Refusal>, ScriptError> {
        self.say(&format!("  error {}: {}", refused.refusal, refused.message))?;
        Ok(Err(refused.refusal))
    }
}
