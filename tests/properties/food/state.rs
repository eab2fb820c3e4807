//! The state checks of the food property, after every apply (refused or not): holders,
//! review counts, the stock ledger, invoices and refunds, deadlines, no idle driver beside
//! an order they may take, and the waiting line by first ready time.

use super::*;

impl FoodHarness {
    /// The state checks that hold after every apply, refused or not.
    pub(crate) fn check_state(&self, at: Millis, all_due_fired: bool) -> Result<(), TestCaseError> {
        let (e, m) = (&self.engine, &self.model);
        if let Err(violation) = e.check_invariants(at, all_due_fired) {
            return fail(format!("check_invariants at {at:?}: {violation}"));
        }
        prop_assert_eq!(e.orders().len(), m.meals.len());

        // A driver holds at most one order, and the order's holder holds it back.
        for (i, driver) in e.drivers().iter().enumerate() {
            let d = DriverId(i as u32);
            let held: Vec<OrderId> = e
                .orders()
                .iter()
                .filter(|o| {
                    matches!(o.status, OrderStatus::Assigned | OrderStatus::PickedUp) && o.driver == Some(d)
                })
                .map(|o| o.id)
                .collect();
            prop_assert!(held.len() <= 1, "{} holds {:?}", driver.name, held);
            prop_assert_eq!(
                driver.order(),
                held.first().copied(),
                "{} holds the wrong order",
                driver.name
            );
            prop_assert_eq!(
                driver.failed_pickups as usize,
                m.failures[i].len(),
                "{}'s failed pickups",
                driver.name
            );
            prop_assert_eq!(driver.flagged, m.flagged[i], "{}'s review flag", driver.name);
        }

        // Stock: never negative, and the ledger the test keeps (SPEC §8.2.1, §8.2.9).
        for (r, menu) in m.menus.iter().enumerate() {
            for (i, _) in menu.iter().enumerate() {
                let want = m.stock_left(r, i);
                prop_assert!(want.is_none_or(|w| w >= 0), "r{r} dish{i} oversold: {want:?}");
                let got = e.restaurants()[r].menu[i].stock.map(i128::from);
                prop_assert_eq!(got, want, "stock of r{} dish{} (initial + restocks − held)", r, i);
            }
        }

        for (i, (meal, order)) in m.meals.iter().zip(e.orders()).enumerate() {
            // Invoices and refunds (SPEC §8.2.2, §8.2.9).
            let Some(food) = order.food() else {
                return fail(format!("order-{} is not a meal", i + 1));
            };
            let v = food.invoice;
            prop_assert_eq!(
                (v.subtotal, v.delivery_fee, v.tip, v.total),
                (meal.subtotal, meal.delivery_fee, meal.tip, meal.total()),
                "order-{}'s invoice",
                i + 1
            );
            prop_assert!(
                v.refunded <= v.total,
                "order-{} refunds more than its total",
                i + 1
            );
            prop_assert_eq!(
                v.refunded,
                meal.refund(),
                "order-{}'s refund, cancelled from {:?}",
                i + 1,
                meal.cancelled_from
            );
            // The holder, and the deadline of the current assignment.
            let held = matches!(meal.status(), OrderStatus::Assigned | OrderStatus::PickedUp);
            prop_assert_eq!(order.driver.filter(|_| held), meal.holder.filter(|_| held));
            if let Some(deadline) = meal.deadline() {
                prop_assert_eq!(order.deadline, deadline, "order-{}'s deadline", i + 1);
                prop_assert!(
                    !all_due_fired || at < deadline,
                    "order-{} assigned past its deadline",
                    i + 1
                );
            }
        }

        // No idle driver while an order they may take waits; the line is by first ready.
        let mut waiting: Vec<(u64, OrderId)> = m
            .meals
            .iter()
            .enumerate()
            .filter(|(_, w)| w.status() == OrderStatus::Ready)
            .map(|(i, w)| (w.first_ready.unwrap_or(u64::MAX), OrderId(i as u32)))
            .collect();
        waiting.sort();
        for d in e.idle_drivers() {
            if let Some(&(_, o)) = waiting
                .iter()
                .find(|(_, o)| !m.meals[o.index()].failed.contains(&d))
            {
                return fail(format!("{d:?} is idle while {o:?}, which they may take, waits"));
            }
        }
        let line: Vec<OrderId> = e.waiting_at(at).collect();
        let want: Vec<OrderId> = waiting.iter().map(|w| w.1).collect();
        prop_assert_eq!(line, want, "the waiting line, by first ready time");
        Ok(())
    }
}
