//! Unit tests of the driver loop: the order of a shell's event and a timer due at one
//! instant, and dead timers skipped only when the shell asks.

use super::*;
use crate::engine::{Contact, CustomerId, ItemId};

fn onboarded() -> Driver<&'static str> {
    let mut driver = Driver::new(Engine::default());
    for name in ["a", "b"] {
        let command = Command::OnboardCustomer {
            name: name.into(),
            contact: Contact::default(),
            address: None,
            location: None,
        };
        let ignore = |_: &Engine, _: &Step<'_>, _: &mut Agenda<&'static str>| Ok::<(), SequenceExhausted>(());
        driver.apply(&command, ignore).unwrap().unwrap();
    }
    driver
}

fn place() -> Command {
    Command::PlaceOrder {
        sender: CustomerId(0),
        recipient: CustomerId(1),
        item: ItemId(0),
        key: None,
    }
}

#[test]
fn a_deadline_and_an_event_at_one_instant_come_out_in_the_order_scheduled() {
    let mut driver = onboarded();
    let deadline = driver.engine().config().pickup_deadline;
    let mut steps = Vec::new();
    // The placement's callback schedules an event at the deadline's instant, before the
    // placement's own timer is queued: the event comes out first.
    let mut on_step = |_: &Engine, step: &Step<'_>, agenda: &mut Agenda<&'static str>| {
        steps.push(step.command.name());
        if !step.is_timer() {
            agenda.schedule(step.at.checked_add(deadline).unwrap(), "follow-up")?;
        }
        Ok::<(), SequenceExhausted>(())
    };
    driver.apply(&place(), &mut on_step).unwrap().unwrap();
    assert!(matches!(
        driver.next(&mut on_step),
        Ok(Some(Next::Event(_, "follow-up")))
    ));
    let Ok(Some(Next::Fired(firing))) = driver.next(&mut on_step) else {
        panic!("the deadline did not fire");
    };
    assert_eq!(firing.at, deadline);
    assert!(firing.result.is_some_and(|r| r.is_ok()));
    assert_eq!(steps, ["place", "timer"]);
}

#[test]
fn a_dead_timer_is_skipped_only_when_asked() {
    for skip in [false, true] {
        let mut driver = onboarded();
        if skip {
            driver = driver.skipping_dead_timers();
        }
        let ignore = |_: &Engine, _: &Step<'_>, _: &mut Agenda<&'static str>| Ok::<(), SequenceExhausted>(());
        driver.apply(&place(), ignore).unwrap().unwrap();
        let deadline = driver.engine().config().pickup_deadline;
        // Fired once by hand, the deadline's queued timer is dead when it comes.
        let order = driver.engine().orders()[0].clone();
        let expire = Command::ExpireDeadline {
            order: order.id,
            guard: order.guard,
        };
        driver.advance_to(deadline);
        driver.apply(&expire, ignore).unwrap().unwrap();
        let Ok(Some(Next::Fired(firing))) = driver.next(ignore) else {
            panic!("no timer");
        };
        assert_eq!(firing.result.is_none(), skip);
    }
}
