//! The SPEC, written down independently of the engine: legal moves, well-formed contacts,
//! and the refusal codes a command must get, in the SPEC's precedence.

use crate::*;

// ----- the SPEC, written down independently of the engine -----

/// The order status moves of SPEC §3, and nothing else.
pub(crate) fn legal_move(from: OrderStatus, to: OrderStatus) -> bool {
    use OrderStatus::*;
    matches!(
        (from, to),
        (Created, Assigned)
            | (Created, Cancelled)
            | (Assigned, PickedUp)
            | (Assigned, Cancelled)
            | (PickedUp, Delivered)
    )
}

pub(crate) fn valid_email(email: &str) -> bool {
    email
        .split_once('@')
        .is_some_and(|(local, domain)| !local.is_empty() && !domain.is_empty())
}

pub(crate) fn valid_phone(phone: &str) -> bool {
    let digits = phone.strip_prefix('+').unwrap_or(phone);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

/// Cancelled, or still waiting for a pickup that can no longer come in time (SPEC §3.8:
/// the engine, not the timer, is the authority on time).
pub(crate) fn finished_by_cancel(order: &Order, now: Millis) -> bool {
    match order.status {
        OrderStatus::Cancelled => true,
        OrderStatus::Created | OrderStatus::Assigned => now >= order.deadline,
        OrderStatus::PickedUp | OrderStatus::Delivered => false,
        // Food statuses: this oracle speaks for the parcel rules only.
        _ => false,
    }
}

/// What the SPEC's error table and precedence say a command at `now` must get: `Ok`, or
/// the refusal codes that are acceptable (several only where the SPEC does not order them).
pub(crate) fn expected(before: &Engine, now: Millis, command: &Command) -> Result<(), Vec<Refusal>> {
    use OrderStatus::*;
    use Refusal::*;
    let customer_known = |c: CustomerId| c.index() < before.customers().len();
    let driver_known = |d: DriverId| d.index() < before.drivers().len();
    let one = |r: Refusal| Err(vec![r]);
    match command {
        Command::OnboardCustomer {
            name,
            contact,
            location,
            ..
        }
        | Command::OnboardDriver {
            name,
            contact,
            location,
        } => {
            let taken = before.customers().iter().any(|c| &c.name == name)
                || before.drivers().iter().any(|d| &d.name == name);
            // A location is two numbers; one off the globe breaks a rule (SPEC §4 reading).
            let on_the_globe = location.is_none_or(|l| l.lat.abs() <= 90.0 && l.lon.abs() <= 180.0);
            let valid = contact.email.as_deref().is_none_or(valid_email)
                && contact.phone.as_deref().is_none_or(valid_phone)
                && on_the_globe;
            let mut codes = Vec::new();
            if taken {
                codes.push(DuplicateName);
            }
            if !valid {
                codes.push(InvalidArgument);
            }
            if codes.is_empty() {
                Ok(())
            } else {
                Err(codes)
            }
        }
        Command::PlaceOrder {
            sender,
            recipient,
            item,
            key,
        } => {
            let mut unknown = Vec::new();
            if !customer_known(*sender) || !customer_known(*recipient) {
                unknown.push(UnknownCustomer);
            }
            if item.index() >= before.catalog().len() {
                unknown.push(UnknownItem);
            }
            if !unknown.is_empty() {
                return Err(unknown);
            }
            if sender == recipient || key.as_deref() == Some("") {
                return one(InvalidArgument);
            }
            let reused = key
                .as_deref()
                .and_then(|k| before.orders().iter().find(|o| o.key.as_deref() == Some(k)));
            if reused.is_some_and(|o| (o.sender, o.recipient, o.item()) != (*sender, *recipient, Some(*item)))
            {
                return one(InvalidArgument);
            }
            Ok(())
        }
        Command::CancelOrder { order, by } => {
            let mut unknown = Vec::new();
            let o = before.orders().get(order.index());
            if o.is_none() {
                unknown.push(UnknownOrder);
            }
            if !customer_known(*by) {
                unknown.push(UnknownCustomer);
            }
            let Some(o) = o.filter(|_| unknown.is_empty()) else {
                return Err(unknown);
            };
            if finished_by_cancel(o, now) {
                one(OrderCancelled)
            } else if o.status == Delivered {
                one(AlreadyDelivered)
            } else if o.sender != *by {
                one(NotYourOrder)
            } else if o.status == PickedUp {
                one(AlreadyPickedUp)
            } else {
                Ok(())
            }
        }
        Command::Pickup { driver, order } | Command::Deliver { driver, order } => {
            let pickup = matches!(command, Command::Pickup { .. });
            let mut unknown = Vec::new();
            if !driver_known(*driver) {
                unknown.push(UnknownDriver);
            }
            let o = before.orders().get(order.index());
            if o.is_none() {
                unknown.push(UnknownOrder);
            }
            let Some(o) = o.filter(|_| unknown.is_empty()) else {
                return Err(unknown);
            };
            if finished_by_cancel(o, now) {
                one(OrderCancelled)
            } else if o.status == Delivered {
                one(AlreadyDelivered)
            } else if o.status == Created || o.driver != Some(*driver) {
                one(NotYourOrder)
            } else if pickup && o.status == PickedUp {
                one(AlreadyPickedUp)
            } else if !pickup && o.status == Assigned {
                one(NotPickedUp)
            } else {
                Ok(())
            }
        }
        Command::Rate { order, stars, by } => {
            let mut unknown = Vec::new();
            let o = before.orders().get(order.index());
            if o.is_none() {
                unknown.push(UnknownOrder);
            }
            if !customer_known(*by) {
                unknown.push(UnknownCustomer);
            }
            let Some(o) = o.filter(|_| unknown.is_empty()) else {
                return Err(unknown);
            };
            if !(1..=5).contains(stars) {
                one(InvalidArgument)
            } else if finished_by_cancel(o, now) {
                one(OrderCancelled)
            } else if *by != o.sender && *by != o.recipient {
                one(NotYourOrder)
            } else if o.status != Delivered {
                one(NotDelivered)
            } else if o.rating.is_some() {
                one(AlreadyRated)
            } else {
                Ok(())
            }
        }
        Command::ExpireDeadline { order, .. } => {
            if order.index() < before.orders().len() {
                Ok(())
            } else {
                one(UnknownOrder)
            }
        }
        // A parcel engine refuses the food commands outright.
        _ => one(InvalidArgument),
    }
}
