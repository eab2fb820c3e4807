//! What an order costs and gives back: the invoice (SPEC §8.2.2), all-or-nothing stock
//! (§8.2.1), refunds and stock by the phase of a cancellation (§8.2.9), keys that live 24 h
//! (§8.2.3) and the ETA (§8.2.11).

use super::*;
use crate::engine::food::{delivery_fee, travel_ms};

#[test]
fn the_invoice_adds_up_and_rounds_the_fee_half_away_from_zero() {
    let mut e = city();
    let mut cmd = meal(&e, "ann", "pizza", &[("margherita", 2), ("cola", 3)]);
    if let Command::PlaceMeal { tip, .. } = &mut cmd {
        *tip = 150;
    }
    let o = order_of(&e.apply(T0, &cmd).unwrap());
    let inv = invoice(&e, o);
    let km = spot(PIZZA_AT.0, PIZZA_AT.1).haversine_km(spot(52.52, 13.4147));
    assert!((km - 0.9945).abs() < 1e-3, "{km}");
    // 299 + round(50 × 0.9945…) = 299 + 50.
    assert_eq!(inv.delivery_fee, 349);
    assert_eq!(
        inv.delivery_fee,
        delivery_fee(299, 50, spot(PIZZA_AT.0, PIZZA_AT.1), spot(52.52, 13.4147))
    );
    assert_eq!(
        (inv.subtotal, inv.tip, inv.total, inv.refunded),
        (2 * 900 + 3 * 250, 150, 2550 + 349 + 150, 0)
    );
}

#[test]
fn stock_is_taken_all_or_nothing() {
    let mut e = city();
    let o = place_pizza(&mut e, T0);
    assert_eq!(stock(&e, "pizza", "margherita"), Some(3));
    assert_eq!(stock(&e, "pizza", "cola"), None);
    let greedy = meal(&e, "bob", "pizza", &[("cola", 1), ("margherita", 4)]);
    refused(&mut e, T0, greedy, Refusal::OutOfStock);
    let exact = meal(&e, "bob", "pizza", &[("cola", 1), ("margherita", 3)]);
    e.apply(T0, &exact).unwrap();
    assert_eq!(stock(&e, "pizza", "margherita"), Some(0));
    // Restock adds; an unlimited dish stays unlimited.
    let (pizza, marg, cola) = (
        r(&e, "pizza"),
        item(&e, "pizza", "margherita"),
        item(&e, "pizza", "cola"),
    );
    e.apply(
        T0,
        &Command::Restock {
            restaurant: pizza,
            item: marg,
            amount: 4,
        },
    )
    .unwrap();
    e.apply(
        T0,
        &Command::Restock {
            restaurant: pizza,
            item: cola,
            amount: 4,
        },
    )
    .unwrap();
    assert_eq!(stock(&e, "pizza", "margherita"), Some(4));
    assert_eq!(stock(&e, "pizza", "cola"), None);
    assert_eq!(e.order(o).unwrap().status, OrderStatus::Pending);
}

/// Cancels ann's two-margherita order after bringing it to `phase` and returns (refunded,
/// margherita stock after).
fn cancel_in(phase: OrderStatus) -> (u64, u64, Invoice) {
    let mut e = city();
    let o = place_pizza(&mut e, T0);
    let steps: &[KitchenStep] = match phase {
        OrderStatus::Pending => &[],
        OrderStatus::Confirmed => &[KitchenStep::Confirm],
        OrderStatus::Preparing => &[KitchenStep::Confirm, KitchenStep::Prepare],
        _ => &[KitchenStep::Confirm, KitchenStep::Prepare, KitchenStep::Ready],
    };
    for &s in steps {
        step(&mut e, T0, o, s).unwrap();
    }
    if phase == OrderStatus::Assigned {
        courier(&mut e, T0, "d1", spot(52.521, 13.40));
    }
    assert_eq!(e.order(o).unwrap().status, phase);
    e.apply(
        at(1_000),
        &Command::CancelOrder {
            order: o,
            by: c(&e, "ann"),
        },
    )
    .unwrap();
    let inv = invoice(&e, o);
    (inv.refunded, stock(&e, "pizza", "margherita").unwrap(), inv)
}

#[test]
fn a_cancellation_refunds_and_restocks_by_phase() {
    for phase in [OrderStatus::Pending, OrderStatus::Confirmed] {
        let (refunded, left, inv) = cancel_in(phase);
        assert_eq!(
            (refunded, left),
            (inv.total, 5),
            "{phase}: whole total, stock back"
        );
    }
    for phase in [OrderStatus::Preparing, OrderStatus::Ready, OrderStatus::Assigned] {
        let (refunded, left, inv) = cancel_in(phase);
        assert_eq!(
            (refunded, left),
            (inv.delivery_fee + inv.tip, 3),
            "{phase}: the food is made, fee and tip back"
        );
    }
}

#[test]
fn a_rejection_restocks_and_refunds_the_total() {
    let mut e = city();
    let o = place_pizza(&mut e, T0);
    let out = step(&mut e, T0, o, KitchenStep::Reject).unwrap();
    let order = e.order(o).unwrap();
    assert_eq!(order.cancel_reason, Some(CancelReason::RestaurantRejected));
    assert_eq!(invoice(&e, o).refunded, invoice(&e, o).total);
    assert_eq!(stock(&e, "pizza", "margherita"), Some(5));
    let roles: Vec<_> = out.notices.iter().map(|n| (n.kind, n.role)).collect();
    assert_eq!(
        roles,
        [
            (NoticeKind::Cancelled, Role::Customer),
            (NoticeKind::Cancelled, Role::Restaurant)
        ]
    );
}

#[test]
fn keys_return_the_order_for_a_day_then_free_themselves() {
    let mut e = city();
    let keyed = |e: &Engine, lines: &[(&str, u32)], tip: u64| {
        let mut cmd = meal(e, "ann", "pizza", lines);
        if let Command::PlaceMeal { tip: t, key, .. } = &mut cmd {
            *t = tip;
            *key = Some("tap".into());
        }
        cmd
    };
    let first = keyed(&e, &[("margherita", 1), ("cola", 2)], 0);
    let o = order_of(&e.apply(T0, &first).unwrap());
    // The same lines in another order are the same details; nothing is taken again.
    let again = keyed(&e, &[("cola", 2), ("margherita", 1)], 0);
    let out = e.apply(at(MIN), &again).unwrap();
    assert_eq!(
        out.reply,
        Reply::Placed {
            order: o,
            duplicate: true
        }
    );
    assert!(out.notices.is_empty());
    assert_eq!(stock(&e, "pizza", "margherita"), Some(4));
    // Other details: refused. Even with the restaurant closed, a live repeat returns.
    let tipped = keyed(&e, &[("margherita", 1), ("cola", 2)], 5);
    refused(&mut e, at(MIN), tipped, Refusal::InvalidArgument);
    let pizza = r(&e, "pizza");
    e.apply(
        at(MIN),
        &Command::SetOpen {
            restaurant: pizza,
            open: false,
        },
    )
    .unwrap();
    assert_eq!(
        e.apply(at(2 * MIN), &again).unwrap().reply,
        Reply::Placed {
            order: o,
            duplicate: true
        }
    );
    e.apply(
        at(MIN),
        &Command::SetOpen {
            restaurant: pizza,
            open: true,
        },
    )
    .unwrap();
    // From created + 24 h the key is free: a repeat creates a new order, and the old key
    // leaves memory.
    let day = 24 * 60 * MIN;
    let out = e.apply(at(day - 1), &again).unwrap();
    assert_eq!(
        out.reply,
        Reply::Placed {
            order: o,
            duplicate: true
        }
    );
    let out = e.apply(at(day), &again).unwrap();
    let newer = order_of(&out);
    assert_ne!(newer, o);
    assert_eq!(e.keys_held(), 1);
    let other = keyed(&e, &[("cola", 1)], 0);
    refused(&mut e, at(day + 1), other, Refusal::InvalidArgument);
}

#[test]
fn the_eta_counts_prep_and_both_legs_from_the_nearest_idle_driver() {
    let mut e = city();
    let (pizza, home) = (spot(PIZZA_AT.0, PIZZA_AT.1), spot(52.52, 13.4147));
    // No driver at all: only prep and the leg to the customer.
    let o = place_pizza(&mut e, at(1_000));
    let to_home = travel_ms(pizza, home, 25.0);
    assert_eq!(
        e.order(o).unwrap().food().unwrap().eta,
        Millis(1_000 + 12 * MIN + to_home.as_ms())
    );
    // Two idle drivers: the nearer one counts.
    courier(&mut e, T0, "far", spot(52.60, 13.40));
    courier(&mut e, T0, "near", spot(52.53, 13.40));
    let o = place_pizza(&mut e, at(2_000));
    let leg = travel_ms(spot(52.53, 13.40), pizza, 25.0);
    assert_eq!(
        e.order(o).unwrap().food().unwrap().eta,
        Millis(2_000 + 12 * MIN + leg.as_ms() + to_home.as_ms())
    );
}
