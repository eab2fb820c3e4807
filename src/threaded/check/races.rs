//! The races a threaded run's log shows, counted by the replay. Two kinds:
//!
//! - From an operation's own outcome ([`count_outcome`], [`count_refusal`]): a cancel and
//!   a pickup of one order that competed, a pickup refused because the deadline cancelled
//!   its parcel, a freed driver who took a waiting order, an order that found no idle
//!   driver when it became assignable.
//! - From windows ([`WindowRaces`]): each log entry carries its [`Window`], the operations
//!   that took effect after its thread began it and before its thread took the engine's
//!   lock: the operations it raced and lost to. What each replayed operation did that
//!   another could race on is its [`Footprint`]; an operation whose window holds a
//!   footprint that touches what it is about is one race:
//!   - stock: a placement (`PlaceMeal`) whose window holds an operation that changed the
//!     stock of a dish it orders, at its restaurant (an accepted placement, a reject or a
//!     cancel that put stock back, a restock or menu change);
//!   - dispatch: an operation that made an order assignable or a driver free (a meal
//!     ready, a parcel placed, a delivery, an unassignment, the cancellation of an assigned
//!     order) whose window holds an assignment: the pool of idle drivers and waiting
//!     orders it acted on changed under it;
//!   - unassign, driver lost: a pickup or release by a driver whose window holds the
//!     deadline firing that took that order from that driver (a meal unassigned, a parcel
//!     cancelled);
//!   - unassign, timer lost: a deadline firing whose window holds that order's pickup or
//!     release, after which the deadline had nothing left to do.
//!
//!   Each operation counts at most once per kind, however many operations of its window
//!   it lost to. Windows are exact (log lengths, not clock readings), so the counts say
//!   which interleavings happened, not how long anything took.

use std::collections::VecDeque;

use super::Races;
use crate::engine::{
    CancelReason, Command, DriverId, Effects, Engine, Event, ItemId, OrderId, Profile, Refusal, RestaurantId,
};
use crate::threaded::log::{LogEntry, Window};

/// What one operation did that another could race on, from its replayed effects.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct Footprint {
    /// The dishes whose stock it changed.
    pub stock: Vec<(RestaurantId, ItemId)>,
    /// It assigned an order to a driver.
    pub assigned: bool,
    /// It made an order assignable or a driver free.
    pub freed: bool,
    /// A deadline firing that took this order from this driver.
    pub deadline_took: Option<(OrderId, DriverId)>,
    /// A pickup or release of this order: its deadline has nothing left to do.
    pub took: Option<OrderId>,
}

impl Footprint {
    /// The footprint of `command`, which had `effects` and changed the stock of `stock`.
    pub(super) fn of(
        command: &Command,
        effects: &Effects,
        profile: Profile,
        stock: Vec<(RestaurantId, ItemId)>,
    ) -> Footprint {
        let mut footprint = Footprint {
            stock,
            ..Footprint::default()
        };
        for event in &effects.events {
            match *event {
                Event::Assigned(..) => footprint.assigned = true,
                Event::Ready(_)
                | Event::Delivered(..)
                | Event::Unassigned(..)
                | Event::Cancelled(_, Some(_), _) => footprint.freed = true,
                Event::Placed(_) if profile == Profile::Parcel => footprint.freed = true,
                _ => {}
            }
            match (command, *event) {
                (Command::ExpireDeadline { .. }, Event::Unassigned(order, driver))
                | (
                    Command::ExpireDeadline { .. },
                    Event::Cancelled(order, Some(driver), CancelReason::NoPickup),
                ) => footprint.deadline_took = Some((order, driver)),
                (Command::Pickup { .. }, Event::PickedUp(order, _))
                | (Command::Release { .. }, Event::Unassigned(order, _)) => footprint.took = Some(order),
                _ => {}
            }
        }
        footprint
    }

    /// Whether another operation could race on it (`freed` is only its own concern).
    fn matters_to_others(&self) -> bool {
        !self.stock.is_empty() || self.assigned || self.deadline_took.is_some() || self.took.is_some()
    }
}

/// The restaurant whose stock `command` may change, and that stock before it runs.
pub(super) fn stock_before(engine: &Engine, command: &Command) -> Option<(RestaurantId, Vec<Option<u64>>)> {
    let restaurant = match *command {
        Command::PlaceMeal { restaurant, .. }
        | Command::SetMenuItem { restaurant, .. }
        | Command::Restock { restaurant, .. } => restaurant,
        Command::CancelOrder { order, .. } | Command::Kitchen { order, .. } => {
            engine.order(order).ok()?.food()?.restaurant
        }
        _ => return None,
    };
    let menu = &engine.restaurants().get(restaurant.index())?.menu;
    Some((restaurant, menu.iter().map(|item| item.stock).collect()))
}

/// The dishes whose stock differs from `before` (a new dish counts as changed).
pub(super) fn stock_changes(
    engine: &Engine,
    before: Option<(RestaurantId, Vec<Option<u64>>)>,
) -> Vec<(RestaurantId, ItemId)> {
    let Some((restaurant, before)) = before else {
        return Vec::new();
    };
    let Some(r) = engine.restaurants().get(restaurant.index()) else {
        return Vec::new();
    };
    r.menu
        .iter()
        .enumerate()
        .filter(|&(i, item)| before.get(i) != Some(&item.stock))
        .map(|(i, _)| (restaurant, ItemId(i as u32)))
        .collect()
}

/// Entries per block of [`WindowRaces`]'s pruning bounds.
const BLOCK: usize = 1024;

/// Counts the races of windows, one replayed entry at a time, in log order. It keeps the
/// footprints that later windows may still reach: an entry's window never starts before
/// the earliest `begun` of the entries from its block on, which is computed once.
#[derive(Debug, Default)]
pub(super) struct WindowRaces {
    /// Footprints that matter to others, by sequence number, in log order.
    recent: VecDeque<(u64, Footprint)>,
    /// Per block of [`BLOCK`] entries: the earliest `begun` of the entries from it on.
    keep_from: Vec<u64>,
}

impl WindowRaces {
    /// A counter for `log`.
    pub(super) fn new(log: &[LogEntry]) -> WindowRaces {
        let mut keep_from = vec![0; log.len().div_ceil(BLOCK)];
        let mut earliest = u64::MAX;
        for (block, entries) in log.chunks(BLOCK).enumerate().rev() {
            for entry in entries {
                earliest = earliest.min(entry.window.begun);
            }
            keep_from[block] = earliest;
        }
        WindowRaces {
            recent: VecDeque::new(),
            keep_from,
        }
    }

    /// Counts into `races` the races of the entry `seq` (`command`, with `window` and
    /// `footprint`), then keeps its footprint for later windows.
    pub(super) fn count(
        &mut self,
        races: &mut Races,
        seq: u64,
        window: Window,
        command: &Command,
        footprint: Footprint,
    ) {
        let keep_from = self
            .keep_from
            .get(seq as usize / BLOCK)
            .copied()
            .unwrap_or(0)
            .min(seq);
        while self.recent.front().is_some_and(|(s, _)| *s < keep_from) {
            self.recent.pop_front();
        }
        let window = Window {
            begun: window.begun.min(seq),
            entered: window.entered.min(seq),
        };
        if !window.is_empty() {
            races.raced += 1;
            races.longest_window = races.longest_window.max(window.len());
        }
        let from = self.recent.partition_point(|(s, _)| *s < window.begun);
        let to = self.recent.partition_point(|(s, _)| *s < window.entered);
        let lost_to = self.recent.range(from..to.max(from)).map(|(_, f)| f);
        count_window(races, command, &footprint, lost_to);
        if footprint.matters_to_others() {
            self.recent.push_back((seq, footprint));
        }
    }
}

/// Counts the races of one operation (`command`, which left `own`) against the footprints
/// of the operations in its window.
pub(super) fn count_window<'a>(
    races: &mut Races,
    command: &Command,
    own: &Footprint,
    window: impl Iterator<Item = &'a Footprint> + Clone,
) {
    let mut window = window;
    if let Command::PlaceMeal {
        restaurant, lines, ..
    } = command
    {
        let ordered =
            |&(r, item): &(RestaurantId, ItemId)| r == *restaurant && lines.iter().any(|l| l.item == item);
        if window.clone().any(|f| f.stock.iter().any(ordered)) {
            races.stock += 1;
        }
    }
    if own.freed && window.clone().any(|f| f.assigned) {
        races.dispatch += 1;
    }
    match *command {
        Command::Pickup { driver, order } | Command::Release { driver, order }
            if window.clone().any(|f| f.deadline_took == Some((order, driver))) =>
        {
            races.unassign_driver_lost += 1
        }
        Command::ExpireDeadline { order, .. } if window.any(|f| f.took == Some(order)) => {
            races.unassign_timer_lost += 1
        }
        _ => {}
    }
}

/// Counts the races an applied operation shows by itself: an order that found no idle
/// driver when it became assignable (a parcel placed, a meal ready), a freed driver that
/// took a waiting order.
pub(super) fn count_outcome(races: &mut Races, command: &Command, effects: &Effects) {
    let assigned = effects.events.iter().any(|e| matches!(e, Event::Assigned(..)));
    let became = |f: fn(&Event) -> bool| effects.events.iter().any(f);
    match command {
        Command::PlaceOrder { .. } if !assigned && became(|e| matches!(e, Event::Placed(_))) => {
            races.waited_for_a_driver += 1
        }
        Command::Kitchen { .. } if !assigned && became(|e| matches!(e, Event::Ready(_))) => {
            races.waited_for_a_driver += 1
        }
        Command::Deliver { .. }
        | Command::CancelOrder { .. }
        | Command::ExpireDeadline { .. }
        | Command::Release { .. }
            if assigned =>
        {
            races.freed_driver_took_waiting += 1
        }
        _ => {}
    }
}

/// Counts the races a refusal shows: a cancellation or pickup that lost to the other, or a
/// pickup that lost to the deadline (`deadline_fired_on_the_way`: fired by the engine on
/// the pickup's way in, before the timer thread).
pub(super) fn count_refusal(
    races: &mut Races,
    engine: &Engine,
    command: &Command,
    refusal: Refusal,
    deadline_fired_on_the_way: bool,
) {
    match (command, refusal) {
        (Command::CancelOrder { .. }, Refusal::AlreadyPickedUp) => races.cancel_vs_pickup += 1,
        (Command::Pickup { order, .. }, Refusal::OrderCancelled) => {
            let reason = engine.order(*order).ok().and_then(|o| o.cancel_reason);
            if reason == Some(CancelReason::NoPickup) {
                races.deadline_vs_pickup += 1;
                if deadline_fired_on_the_way {
                    races.late_pickup_before_timer += 1;
                }
            } else if reason == Some(CancelReason::Customer) {
                races.cancel_vs_pickup += 1;
            }
        }
        _ => {}
    }
}
