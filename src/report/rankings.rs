//! The rows of `driver_rankings.csv` (SPEC §6): every driver, on both boards of
//! [`crate::engine::rankings`], sorted by rank by deliveries. A food run adds each driver's
//! failed pickups and review flag (SPEC §8.6).

use crate::engine::{rankings, DriverId, Engine, Profile, RankBy};
use crate::time::Millis;

/// Columns of `driver_rankings.csv` (SPEC §6).
pub const RANKING_COLUMNS: [&str; 10] = [
    "driver",
    "deliveries",
    "rating_avg",
    "ratings",
    "rating_score",
    "rank_by_deliveries",
    "rank_by_rating",
    "busy_ms",
    "utilization",
    "assigned_then_cancelled",
];

/// Columns a food run's `driver_rankings.csv` adds after [`RANKING_COLUMNS`].
pub const FOOD_RANKING_COLUMNS: [&str; 2] = ["failed_pickups", "review"];

/// The header of `driver_rankings.csv` under `profile`.
pub fn ranking_header(profile: Profile) -> Vec<&'static str> {
    let mut header = RANKING_COLUMNS.to_vec();
    if profile == Profile::Food {
        header.extend(FOOD_RANKING_COLUMNS);
    }
    header
}

/// The rows of `driver_rankings.csv` under `profile`, sorted by rank by deliveries: the
/// columns of [`ranking_header`].
pub fn ranking_rows(engine: &Engine, run_length: Millis, profile: Profile) -> Vec<Vec<String>> {
    let by_deliveries = rankings::board(engine, RankBy::Deliveries);
    let mut rating_rank = vec![0usize; engine.drivers().len()];
    for (rank, d) in rankings::board(engine, RankBy::Rating).into_iter().enumerate() {
        if let Some(slot) = rating_rank.get_mut(d.index()) {
            *slot = rank + 1;
        }
    }
    by_deliveries
        .into_iter()
        .enumerate()
        .filter_map(|(rank, id)| {
            let rank_r = rating_rank.get(id.index()).copied()?;
            ranking_row(engine, id, (rank + 1, rank_r), run_length, profile)
        })
        .collect()
}

fn ranking_row(
    engine: &Engine,
    id: DriverId,
    (rank_d, rank_r): (usize, usize),
    run_length: Millis,
    profile: Profile,
) -> Option<Vec<String>> {
    let d = engine.drivers().get(id.index())?;
    let busy = d.busy_ms_at(run_length);
    let utilization = if run_length.as_ms() == 0 {
        0.0
    } else {
        busy as f64 / run_length.as_ms() as f64
    };
    let mut row = vec![
        d.name.clone(),
        d.deliveries.to_string(),
        if d.ratings == 0 {
            String::new()
        } else {
            format!("{:.4}", d.stars as f64 / f64::from(d.ratings))
        },
        d.ratings.to_string(),
        rankings::rating_score(engine, id).map_or_else(String::new, |s| format!("{s:.4}")),
        rank_d.to_string(),
        rank_r.to_string(),
        busy.to_string(),
        format!("{utilization:.4}"),
        d.assigned_then_cancelled.to_string(),
    ];
    if profile == Profile::Food {
        row.push(d.failed_pickups.to_string());
        // As a script's `expect driver … review=yes|no` writes it.
        row.push(if d.flagged { "yes" } else { "no" }.to_string());
    }
    Some(row)
}
