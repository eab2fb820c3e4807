//! Every food error code, and the precedence among them (SPEC §8.2, §8.3): unknown entities
//! (customer, restaurant, items in that order), `invalid_argument`, the key, then
//! `restaurant_closed`, `out_of_stock`; for the restaurant's and drivers' moves a finished
//! order, `not_your_order`, then sequencing with `invalid_transition`. Each refusal also
//! checks that nothing changed.

use super::*;

/// Ann's order from pizza (customer 0, restaurant 0 of `city()`).
fn with_lines(lines: Vec<Line>) -> Command {
    Command::PlaceMeal {
        customer: CustomerId(0),
        restaurant: RestaurantId(0),
        lines,
        tip: 0,
        key: None,
    }
}

#[test]
fn placement_refusals_in_precedence_order() {
    let mut e = city();
    let marg = item(&e, "pizza", "margherita");
    let line = |item, quantity| Line { item, quantity };
    // Unknown customer beats unknown restaurant beats unknown item.
    let bad = Command::PlaceMeal {
        customer: CustomerId(99),
        restaurant: RestaurantId(99),
        lines: vec![line(ItemId(99), 0)],
        tip: 0,
        key: None,
    };
    refused(&mut e, T0, bad, Refusal::UnknownCustomer);
    let bad = Command::PlaceMeal {
        customer: c(&e, "ann"),
        restaurant: RestaurantId(99),
        lines: vec![line(ItemId(99), 0)],
        tip: 0,
        key: None,
    };
    refused(&mut e, T0, bad, Refusal::UnknownRestaurant);
    // maki is on sushi's menu, not pizza's (pizza has two items).
    refused(
        &mut e,
        T0,
        with_lines(vec![line(ItemId(2), 0)]),
        Refusal::UnknownItem,
    );
    // invalid_argument: no line, a quantity of 0 or 100, an item twice, a huge tip, an
    // empty key.
    refused(&mut e, T0, with_lines(vec![]), Refusal::InvalidArgument);
    refused(
        &mut e,
        T0,
        with_lines(vec![line(marg, 0)]),
        Refusal::InvalidArgument,
    );
    refused(
        &mut e,
        T0,
        with_lines(vec![line(marg, 100)]),
        Refusal::InvalidArgument,
    );
    refused(
        &mut e,
        T0,
        with_lines(vec![line(marg, 1), line(marg, 1)]),
        Refusal::InvalidArgument,
    );
    let mut tipped = with_lines(vec![line(marg, 1)]);
    if let Command::PlaceMeal { tip, .. } = &mut tipped {
        *tip = crate::engine::food::MAX_AMOUNT + 1;
    }
    refused(&mut e, T0, tipped, Refusal::InvalidArgument);
    let mut keyed = with_lines(vec![line(marg, 1)]);
    if let Command::PlaceMeal { key, .. } = &mut keyed {
        *key = Some(String::new());
    }
    refused(&mut e, T0, keyed, Refusal::InvalidArgument);
    // invalid_argument beats restaurant_closed, which beats out_of_stock.
    let pizza = r(&e, "pizza");
    e.apply(
        T0,
        &Command::SetOpen {
            restaurant: pizza,
            open: false,
        },
    )
    .unwrap();
    refused(
        &mut e,
        T0,
        with_lines(vec![line(marg, 100)]),
        Refusal::InvalidArgument,
    );
    refused(
        &mut e,
        T0,
        with_lines(vec![line(marg, 6)]),
        Refusal::RestaurantClosed,
    );
    // Closing twice is accepted.
    e.apply(
        T0,
        &Command::SetOpen {
            restaurant: pizza,
            open: false,
        },
    )
    .unwrap();
    e.apply(
        T0,
        &Command::SetOpen {
            restaurant: pizza,
            open: true,
        },
    )
    .unwrap();
    refused(&mut e, T0, with_lines(vec![line(marg, 6)]), Refusal::OutOfStock);
}

#[test]
fn restaurant_and_menu_refusals() {
    let mut e = city();
    let pizza = r(&e, "pizza");
    let onboard = |name: &str, email: Option<&str>| Command::OnboardRestaurant {
        name: name.into(),
        contact: Contact {
            email: email.map(str::to_string),
            phone: None,
        },
        location: spot(52.5, 13.4),
        prep: Millis(MIN),
        open: true,
    };
    refused(&mut e, T0, onboard("ann", None), Refusal::DuplicateName);
    refused(&mut e, T0, onboard("pizza", None), Refusal::DuplicateName);
    refused(
        &mut e,
        T0,
        onboard("new", Some("no-at")),
        Refusal::InvalidArgument,
    );
    let dish = |restaurant, item: &str, price, stock| Command::SetMenuItem {
        restaurant,
        item: item.into(),
        price,
        stock,
    };
    refused(
        &mut e,
        T0,
        dish(RestaurantId(9), "x", 1, None),
        Refusal::UnknownRestaurant,
    );
    for bad in ["", "a*b", "a,b", "tab\there"] {
        refused(&mut e, T0, dish(pizza, bad, 1, None), Refusal::InvalidArgument);
    }
    refused(
        &mut e,
        T0,
        dish(pizza, "gold", crate::engine::food::MAX_AMOUNT + 1, None),
        Refusal::InvalidArgument,
    );
    refused(
        &mut e,
        T0,
        dish(pizza, "gold", 1, Some(crate::engine::food::MAX_AMOUNT + 1)),
        Refusal::InvalidArgument,
    );
    // Replacing price and stock of an existing dish, also while closed.
    e.apply(
        T0,
        &Command::SetOpen {
            restaurant: pizza,
            open: false,
        },
    )
    .unwrap();
    e.apply(T0, &dish(pizza, "margherita", 1000, None)).unwrap();
    assert_eq!(stock(&e, "pizza", "margherita"), None);
    assert_eq!(e.restaurant(pizza).unwrap().menu.len(), 2);
    let restock = |restaurant, item, amount| Command::Restock {
        restaurant,
        item,
        amount,
    };
    refused(
        &mut e,
        T0,
        restock(RestaurantId(9), ItemId(0), 1),
        Refusal::UnknownRestaurant,
    );
    refused(&mut e, T0, restock(pizza, ItemId(7), 1), Refusal::UnknownItem);
    refused(&mut e, T0, restock(pizza, ItemId(0), 0), Refusal::InvalidArgument);
    let sushi = r(&e, "sushi");
    refused(
        &mut e,
        T0,
        restock(sushi, ItemId(0), crate::engine::food::MAX_AMOUNT),
        Refusal::InvalidArgument,
    );
    refused(
        &mut e,
        T0,
        Command::SetOpen {
            restaurant: RestaurantId(9),
            open: true,
        },
        Refusal::UnknownRestaurant,
    );
}

#[test]
fn food_needs_everyones_location() {
    let mut e = city();
    let walker = Command::OnboardDriver {
        name: "nowhere".into(),
        contact: Contact::default(),
        location: None,
    };
    refused(&mut e, T0, walker, Refusal::InvalidArgument);
    let homeless = Command::OnboardCustomer {
        name: "nowhere".into(),
        contact: Contact::default(),
        address: None,
        location: None,
    };
    refused(&mut e, T0, homeless, Refusal::InvalidArgument);
}

#[test]
fn the_other_profiles_commands_are_refused() {
    let mut e = city();
    let parcel = Command::PlaceOrder {
        sender: c(&e, "ann"),
        recipient: c(&e, "bob"),
        item: ItemId(0),
        key: None,
    };
    refused(&mut e, T0, parcel, Refusal::InvalidArgument);
    let mut p = Engine::default();
    refused(
        &mut p,
        T0,
        Command::Kitchen {
            order: OrderId(0),
            step: KitchenStep::Confirm,
        },
        Refusal::InvalidArgument,
    );
    let restaurant = Command::OnboardRestaurant {
        name: "r".into(),
        contact: Contact::default(),
        location: spot(1.0, 1.0),
        prep: Millis(0),
        open: true,
    };
    refused(&mut p, T0, restaurant, Refusal::InvalidArgument);
}

#[test]
fn kitchen_refusals() {
    let mut e = city();
    refused(
        &mut e,
        T0,
        Command::Kitchen {
            order: OrderId(9),
            step: KitchenStep::Confirm,
        },
        Refusal::UnknownOrder,
    );
    let o = place_pizza(&mut e, T0);
    refused(
        &mut e,
        T0,
        Command::Kitchen {
            order: o,
            step: KitchenStep::Ready,
        },
        Refusal::InvalidTransition,
    );
    step(&mut e, T0, o, KitchenStep::Confirm).unwrap();
    refused(
        &mut e,
        T0,
        Command::Kitchen {
            order: o,
            step: KitchenStep::Reject,
        },
        Refusal::InvalidTransition,
    );
    refused(
        &mut e,
        T0,
        Command::Kitchen {
            order: o,
            step: KitchenStep::Confirm,
        },
        Refusal::InvalidTransition,
    );
}

#[test]
fn release_refusals_follow_the_spec_precedence() {
    let mut e = city();
    courier(&mut e, T0, "d1", spot(52.521, 13.40));
    courier(&mut e, T0, "d2", spot(52.60, 13.40));
    let (d1, d2) = (d(&e, "d1"), d(&e, "d2"));
    let release = |driver, order| Command::Release { driver, order };
    refused(
        &mut e,
        T0,
        release(DriverId(9), OrderId(0)),
        Refusal::UnknownDriver,
    );
    refused(&mut e, T0, release(d1, OrderId(9)), Refusal::UnknownOrder);
    let o = place_pizza(&mut e, T0);
    // Not assigned to anyone yet.
    refused(&mut e, T0, release(d1, o), Refusal::NotYourOrder);
    cook(&mut e, T0, o);
    assert_eq!(holder(&e, o).as_deref(), Some("d1"));
    refused(&mut e, T0, release(d2, o), Refusal::NotYourOrder);
    e.apply(T0, &Command::Pickup { driver: d1, order: o }).unwrap();
    refused(&mut e, T0, release(d2, o), Refusal::NotYourOrder);
    refused(&mut e, T0, release(d1, o), Refusal::AlreadyPickedUp);
    e.apply(T0, &Command::Deliver { driver: d1, order: o }).unwrap();
    refused(&mut e, T0, release(d1, o), Refusal::AlreadyDelivered);
    let o2 = place_pizza(&mut e, T0);
    e.apply(
        T0,
        &Command::CancelOrder {
            order: o2,
            by: c(&e, "ann"),
        },
    )
    .unwrap();
    refused(&mut e, T0, release(d1, o2), Refusal::OrderCancelled);
}

#[test]
fn customer_moves_refused_after_pickup() {
    let mut e = city();
    courier(&mut e, T0, "d1", spot(52.521, 13.40));
    let o = place_pizza(&mut e, T0);
    cook(&mut e, T0, o);
    let d1 = d(&e, "d1");
    let ann = c(&e, "ann");
    let bob = c(&e, "bob");
    refused(
        &mut e,
        T0,
        Command::CancelOrder { order: o, by: bob },
        Refusal::NotYourOrder,
    );
    e.apply(T0, &Command::Pickup { driver: d1, order: o }).unwrap();
    refused(
        &mut e,
        T0,
        Command::CancelOrder { order: o, by: ann },
        Refusal::AlreadyPickedUp,
    );
    refused(
        &mut e,
        T0,
        Command::Rate {
            order: o,
            stars: 4,
            by: ann,
        },
        Refusal::NotDelivered,
    );
    e.apply(T0, &Command::Deliver { driver: d1, order: o }).unwrap();
    refused(
        &mut e,
        T0,
        Command::CancelOrder { order: o, by: ann },
        Refusal::AlreadyDelivered,
    );
    refused(
        &mut e,
        T0,
        Command::Rate {
            order: o,
            stars: 4,
            by: bob,
        },
        Refusal::NotYourOrder,
    );
    e.apply(
        T0,
        &Command::Rate {
            order: o,
            stars: 4,
            by: ann,
        },
    )
    .unwrap();
    refused(
        &mut e,
        T0,
        Command::Rate {
            order: o,
            stars: 4,
            by: ann,
        },
        Refusal::AlreadyRated,
    );
}

#[test]
fn every_food_code_is_produced_by_some_test_here() {
    let tested = [
        "unknown_restaurant",
        "restaurant_closed",
        "out_of_stock",
        "invalid_transition",
    ];
    let all: Vec<&str> = Refusal::ALL.iter().map(|r| r.code()).collect();
    assert_eq!(&all[all.len() - tested.len()..], tested);
}
