//! Every refusal code of the parcel rules, each leaving the engine unchanged, and their
//! precedence when several apply.

use super::*;

// ----- every refusal code, each changing nothing -----

#[test]
fn duplicate_name_across_customers_and_drivers() {
    let mut e = world();
    driver(&mut e, T0, "d1");
    let cmd = |name: &str| Command::OnboardDriver {
        name: name.into(),
        contact: Contact::default(),
        location: None,
    };
    refused(&mut e, T0, cmd("d1"), Refusal::DuplicateName);
    refused(&mut e, T0, cmd("tom"), Refusal::DuplicateName);
    let customer = Command::OnboardCustomer {
        name: "d1".into(),
        contact: Contact::default(),
        address: None,
        location: None,
    };
    refused(&mut e, T0, customer, Refusal::DuplicateName);
}

#[test]
fn invalid_argument_for_every_listed_cause() {
    let mut e = world();
    let onboard = |email: Option<&str>, phone: Option<&str>| Command::OnboardCustomer {
        name: "new".into(),
        contact: Contact {
            email: email.map(Into::into),
            phone: phone.map(Into::into),
        },
        address: None,
        location: None,
    };
    refused(
        &mut e,
        T0,
        onboard(Some("no-at-sign"), Some("1")),
        Refusal::InvalidArgument,
    );
    refused(
        &mut e,
        T0,
        onboard(Some("a@b"), Some("12-34")),
        Refusal::InvalidArgument,
    );
    refused(
        &mut e,
        T0,
        onboard(Some("a@b"), Some("+")),
        Refusal::InvalidArgument,
    );
    let tom = TOM;
    refused(
        &mut e,
        T0,
        Command::PlaceOrder {
            sender: tom,
            recipient: tom,
            item: ItemId(0),
            key: None,
        },
        Refusal::InvalidArgument,
    );
    let (mut e, o) = one_in_flight(true);
    deliver(&mut e, at(2), "d1", o).unwrap();
    for stars in [0, 6, -1, 300] {
        refused(
            &mut e,
            at(3),
            Command::Rate {
                order: o,
                stars,
                by: TOM,
            },
            Refusal::InvalidArgument,
        );
    }
}

#[test]
fn unknown_entities() {
    let (mut e, o) = one_in_flight(false);
    let (tom, d1) = (TOM, d(&e, "d1"));
    assert_eq!(e.customer_by_name("nobody"), Err(Refusal::UnknownCustomer));
    assert_eq!(e.customer_by_name("d1"), Err(Refusal::UnknownCustomer));
    assert_eq!(e.driver_by_name("tom"), Err(Refusal::UnknownDriver));
    assert_eq!(e.item_by_name("piano"), Err(Refusal::UnknownItem));
    assert_eq!(e.order_by_name("order-2"), Err(Refusal::UnknownOrder));
    assert_eq!(e.order_by_name("order-1"), Ok(o));
    let ghost = CustomerId(99);
    refused(
        &mut e,
        T0,
        Command::PlaceOrder {
            sender: ghost,
            recipient: tom,
            item: ItemId(0),
            key: None,
        },
        Refusal::UnknownCustomer,
    );
    refused(
        &mut e,
        T0,
        Command::PlaceOrder {
            sender: tom,
            recipient: ghost,
            item: ItemId(0),
            key: None,
        },
        Refusal::UnknownCustomer,
    );
    refused(
        &mut e,
        T0,
        Command::PlaceOrder {
            sender: tom,
            recipient: tom,
            item: ItemId(9),
            key: None,
        },
        Refusal::UnknownItem,
    );
    refused(
        &mut e,
        T0,
        Command::Pickup {
            driver: DriverId(9),
            order: o,
        },
        Refusal::UnknownDriver,
    );
    refused(
        &mut e,
        T0,
        Command::Pickup {
            driver: d1,
            order: OrderId(9),
        },
        Refusal::UnknownOrder,
    );
    refused(
        &mut e,
        T0,
        Command::CancelOrder {
            order: OrderId(9),
            by: tom,
        },
        Refusal::UnknownOrder,
    );
    refused(
        &mut e,
        T0,
        Command::CancelOrder { order: o, by: ghost },
        Refusal::UnknownCustomer,
    );
    refused(
        &mut e,
        T0,
        Command::Rate {
            order: OrderId(9),
            stars: 9,
            by: tom,
        },
        Refusal::UnknownOrder,
    );
    refused(
        &mut e,
        T0,
        Command::ExpireDeadline {
            order: OrderId(9),
            guard: Guard::Creation,
        },
        Refusal::UnknownOrder,
    );
}

#[test]
fn order_cancelled_for_pickup_deliver_rate_and_cancel() {
    let (mut e, o) = one_in_flight(false);
    cancel(&mut e, at(1), "tom", o).unwrap();
    let (tom, d1) = (TOM, d(&e, "d1"));
    refused(
        &mut e,
        at(2),
        Command::Pickup { driver: d1, order: o },
        Refusal::OrderCancelled,
    );
    refused(
        &mut e,
        at(2),
        Command::Deliver { driver: d1, order: o },
        Refusal::OrderCancelled,
    );
    refused(
        &mut e,
        at(2),
        Command::Rate {
            order: o,
            stars: 5,
            by: tom,
        },
        Refusal::OrderCancelled,
    );
    refused(
        &mut e,
        at(2),
        Command::CancelOrder { order: o, by: tom },
        Refusal::OrderCancelled,
    );
}

#[test]
fn not_your_order_for_drivers_and_customers() {
    let (mut e, o) = one_in_flight(false);
    driver(&mut e, T0, "d2");
    let waiting_behind = place(&mut e, T0, "paul", "ann");
    let d2 = d(&e, "d2");
    let d1 = d(&e, "d1");
    // d2 took the second order; d1 cannot touch it, and d2 cannot touch d1's.
    refused(
        &mut e,
        at(1),
        Command::Pickup { driver: d2, order: o },
        Refusal::NotYourOrder,
    );
    refused(
        &mut e,
        at(1),
        Command::Deliver { driver: d2, order: o },
        Refusal::NotYourOrder,
    );
    refused(
        &mut e,
        at(1),
        Command::Pickup {
            driver: d1,
            order: waiting_behind,
        },
        Refusal::NotYourOrder,
    );
    // A still-waiting order belongs to no driver.
    let waiting = place(&mut e, at(1), "ann", "tom");
    refused(
        &mut e,
        at(2),
        Command::Pickup {
            driver: d1,
            order: waiting,
        },
        Refusal::NotYourOrder,
    );
    refused(
        &mut e,
        at(2),
        Command::Deliver {
            driver: d1,
            order: waiting,
        },
        Refusal::NotYourOrder,
    );
    // Only the sender may cancel; only sender or recipient may rate.
    refused(
        &mut e,
        at(2),
        Command::CancelOrder { order: o, by: PAUL },
        Refusal::NotYourOrder,
    );
    pickup(&mut e, at(3), "d1", o).unwrap();
    deliver(&mut e, at(4), "d1", o).unwrap();
    refused(
        &mut e,
        at(5),
        Command::Rate {
            order: o,
            stars: 5,
            by: ANN,
        },
        Refusal::NotYourOrder,
    );
    rate(&mut e, at(5), "paul", o, 4).unwrap();
}

#[test]
fn sequencing_codes() {
    let (mut e, o) = one_in_flight(false);
    let (tom, d1) = (TOM, d(&e, "d1"));
    refused(
        &mut e,
        at(1),
        Command::Deliver { driver: d1, order: o },
        Refusal::NotPickedUp,
    );
    refused(
        &mut e,
        at(1),
        Command::Rate {
            order: o,
            stars: 5,
            by: tom,
        },
        Refusal::NotDelivered,
    );
    pickup(&mut e, at(2), "d1", o).unwrap();
    refused(
        &mut e,
        at(3),
        Command::Pickup { driver: d1, order: o },
        Refusal::AlreadyPickedUp,
    );
    refused(
        &mut e,
        at(3),
        Command::CancelOrder { order: o, by: tom },
        Refusal::AlreadyPickedUp,
    );
    refused(
        &mut e,
        at(3),
        Command::Rate {
            order: o,
            stars: 5,
            by: tom,
        },
        Refusal::NotDelivered,
    );
    deliver(&mut e, at(4), "d1", o).unwrap();
    refused(
        &mut e,
        at(5),
        Command::Pickup { driver: d1, order: o },
        Refusal::AlreadyDelivered,
    );
    refused(
        &mut e,
        at(5),
        Command::Deliver { driver: d1, order: o },
        Refusal::AlreadyDelivered,
    );
    refused(
        &mut e,
        at(5),
        Command::CancelOrder { order: o, by: tom },
        Refusal::AlreadyDelivered,
    );
    rate(&mut e, at(6), "tom", o, 5).unwrap();
    refused(
        &mut e,
        at(7),
        Command::Rate {
            order: o,
            stars: 4,
            by: PAUL,
        },
        Refusal::AlreadyRated,
    );
}

#[test]
fn the_first_applicable_code_wins() {
    let (mut e, o) = one_in_flight(false);
    cancel(&mut e, at(1), "tom", o).unwrap();
    let paul = PAUL;
    // Bad stars (invalid_argument) beat a cancelled order, which beats not_your_order.
    refused(
        &mut e,
        at(2),
        Command::Rate {
            order: o,
            stars: 9,
            by: paul,
        },
        Refusal::InvalidArgument,
    );
    refused(
        &mut e,
        at(2),
        Command::CancelOrder { order: o, by: paul },
        Refusal::OrderCancelled,
    );
    driver(&mut e, at(2), "d2");
    let d2 = d(&e, "d2");
    refused(
        &mut e,
        at(2),
        Command::Pickup { driver: d2, order: o },
        Refusal::OrderCancelled,
    );
    // A delivered order (finished) beats not_your_order for another driver.
    let (mut e, o) = one_in_flight(true);
    deliver(&mut e, at(2), "d1", o).unwrap();
    driver(&mut e, at(2), "d2");
    let d2 = d(&e, "d2");
    refused(
        &mut e,
        at(3),
        Command::Pickup { driver: d2, order: o },
        Refusal::AlreadyDelivered,
    );
}

#[test]
fn every_refusal_code_is_produced_by_some_test_here() {
    // Guards this file: a new code needs a test above. The list is the SPEC's table.
    let tested = [
        "duplicate_name",
        "invalid_argument",
        "unknown_customer",
        "unknown_driver",
        "unknown_order",
        "unknown_item",
        "order_cancelled",
        "not_your_order",
        "already_picked_up",
        "not_picked_up",
        "already_delivered",
        "not_delivered",
        "already_rated",
    ];
    // The food codes follow, tested in `food/refusals.rs`.
    let all: Vec<&str> = Refusal::ALL.iter().map(|r| r.code()).collect();
    assert_eq!(&all[..tested.len()], tested);
}
