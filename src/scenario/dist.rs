//! Distributions of SPEC §5: a plain value (constant), `exp(MEAN)`, `uniform(A, B)`,
//! `lognormal(MEAN, SD)` and `normal(MEAN, SD)` (clamped at 0). Durations and plain numbers
//! share the syntax: a duration distribution reads its arguments as `250ms`, `20s`, `5m`.
//!
//! Samplers come from `rand_distr`, pinned to an exact version: its algorithms decide every
//! report, so an upgrade must be a deliberate change caught by the golden files.

use rand::Rng;
use rand_distr::{Distribution, Exp, LogNormal, Normal, Uniform};
use serde::de::{Deserialize, Deserializer, Error as _};

use crate::time::{parse_duration, Millis};

/// A validated distribution over non-negative reals (milliseconds for durations).
#[derive(Clone, Debug, PartialEq)]
pub enum Dist {
    /// Always this value.
    Const(f64),
    /// Exponential with this mean.
    Exp(Exp<f64>),
    /// Uniform between two bounds.
    Uniform(Uniform<f64>),
    /// Log-normal with this mean and standard deviation (of the variable itself).
    LogNormal(LogNormal<f64>),
    /// Normal with this mean and standard deviation, clamped at 0.
    Normal(Normal<f64>),
}

impl Dist {
    /// Draws one value (never negative).
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        let x = match self {
            Dist::Const(v) => *v,
            Dist::Exp(d) => d.sample(rng),
            Dist::Uniform(d) => d.sample(rng),
            Dist::LogNormal(d) => d.sample(rng),
            Dist::Normal(d) => d.sample(rng),
        };
        x.max(0.0)
    }

    /// Draws a duration, rounded to the millisecond and capped at
    /// [`Millis::MAX_DURATION`]: a heavy tail (`lognormal(1m, 1000h)`) may draw any value,
    /// and every sum of instants must stay far from overflow.
    pub fn sample_ms<R: Rng + ?Sized>(&self, rng: &mut R) -> Millis {
        let ms = self.sample(rng).round();
        if ms >= Millis::MAX_DURATION.as_ms() as f64 {
            Millis::MAX_DURATION
        } else {
            Millis(ms as u64)
        }
    }

    /// Parses `exp(20s)`, `uniform(3.0, 5.0)`, … reading each argument with `value`.
    pub fn parse(text: &str, value: impl Fn(&str) -> Result<f64, String>) -> Result<Dist, String> {
        let text = text.trim();
        let Some(open) = text.find('(') else {
            return value(text).map(Dist::Const);
        };
        let name = &text[..open];
        let args = text[open + 1..]
            .strip_suffix(')')
            .ok_or_else(|| format!("`{text}`: missing closing parenthesis"))?;
        let args: Vec<f64> = args
            .split(',')
            .map(|a| value(a.trim()))
            .collect::<Result<_, _>>()?;
        let want = |n: usize| {
            if args.len() == n {
                Ok(())
            } else {
                Err(format!(
                    "`{name}` takes {n} argument{}, found {}",
                    if n == 1 { "" } else { "s" },
                    args.len()
                ))
            }
        };
        match name {
            "exp" => {
                want(1)?;
                if args[0] <= 0.0 {
                    return Err(format!("`{text}`: the mean of exp must be positive"));
                }
                Exp::new(1.0 / args[0])
                    .map(Dist::Exp)
                    .map_err(|e| format!("`{text}`: {e}"))
            }
            "uniform" => {
                want(2)?;
                if args[0] > args[1] {
                    return Err(format!("`{text}`: the lower bound is above the upper bound"));
                }
                if args[0] == args[1] {
                    return Ok(Dist::Const(args[0]));
                }
                Uniform::new(args[0], args[1])
                    .map(Dist::Uniform)
                    .map_err(|e| format!("`{text}`: {e}"))
            }
            "lognormal" => {
                want(2)?;
                let (mean, sd) = (args[0], args[1]);
                if mean <= 0.0 || sd < 0.0 {
                    return Err(format!(
                        "`{text}`: lognormal needs a positive mean and a non-negative sd"
                    ));
                }
                // From the variable's mean and sd to the underlying normal's mu and sigma.
                let sigma2 = (1.0 + (sd / mean).powi(2)).ln();
                LogNormal::new(mean.ln() - sigma2 / 2.0, sigma2.sqrt())
                    .map(Dist::LogNormal)
                    .map_err(|e| format!("`{text}`: {e}"))
            }
            "normal" => {
                want(2)?;
                if args[1] < 0.0 {
                    return Err(format!("`{text}`: the sd of normal must not be negative"));
                }
                Normal::new(args[0], args[1])
                    .map(Dist::Normal)
                    .map_err(|e| format!("`{text}`: {e}"))
            }
            other => Err(format!(
                "unknown distribution `{other}`; expected exp, uniform, lognormal or normal"
            )),
        }
    }
}

fn duration_value(text: &str) -> Result<f64, String> {
    parse_duration(text)
        .map(|d| d.as_ms() as f64)
        .map_err(|e| e.to_string())
}

/// The largest magnitude a number distribution takes as an argument: far past any rating,
/// and far from where sums of draws stop being finite.
pub const MAX_NUMBER: f64 = 1e9;

fn number_value(text: &str) -> Result<f64, String> {
    let v: f64 = text
        .parse()
        .ok()
        .filter(|v: &f64| v.is_finite())
        .ok_or_else(|| format!("invalid number `{text}`"))?;
    if v.abs() > MAX_NUMBER {
        return Err(format!("`{text}` is beyond the limit of ±{MAX_NUMBER:e}"));
    }
    Ok(v)
}

/// A distribution of durations, written with duration arguments: `exp(20s)`.
#[derive(Clone, Debug, PartialEq)]
pub struct DurationDist(pub Dist);

impl DurationDist {
    /// Parses the SPEC syntax.
    pub fn parse(text: &str) -> Result<DurationDist, String> {
        Dist::parse(text, duration_value).map(DurationDist)
    }
}

impl<'de> Deserialize<'de> for DurationDist {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        DurationDist::parse(&text).map_err(D::Error::custom)
    }
}

/// A distribution of plain numbers: `uniform(3.0, 5.0)`.
#[derive(Clone, Debug, PartialEq)]
pub struct NumberDist(pub Dist);

impl<'de> Deserialize<'de> for NumberDist {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Dist::parse(&text, number_value)
            .map(NumberDist)
            .map_err(D::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    fn mean_of(dist: &Dist) -> f64 {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let n = 200_000;
        (0..n).map(|_| dist.sample(&mut rng)).sum::<f64>() / n as f64
    }

    #[test]
    fn parses_each_form_and_samples_around_its_mean() {
        let cases = [
            ("20s", 20_000.0),
            ("exp(20s)", 20_000.0),
            ("uniform(0s, 60s)", 30_000.0),
            ("lognormal(5m, 2m)", 300_000.0),
            ("normal(1m, 10s)", 60_000.0),
        ];
        for (text, mean) in cases {
            let DurationDist(d) = DurationDist::parse(text).unwrap();
            let got = mean_of(&d);
            assert!((got - mean).abs() / mean < 0.01, "{text}: mean {got}");
        }
    }

    #[test]
    fn normal_is_clamped_at_zero() {
        let DurationDist(d) = DurationDist::parse("normal(0s, 10s)").unwrap();
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        assert!((0..10_000).all(|_| d.sample(&mut rng) >= 0.0));
    }

    #[test]
    fn drawn_durations_are_capped_at_the_limit() {
        let DurationDist(d) = DurationDist::parse("normal(24000h, 24000h)").unwrap();
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        let longest = (0..1_000).map(|_| d.sample_ms(&mut rng)).max().unwrap();
        assert_eq!(longest, Millis::MAX_DURATION);
    }

    #[test]
    fn refuses_bad_distributions() {
        for bad in [
            "exp(-1s)",
            "exp(0s)",
            "exp(1s, 2s)",
            "uniform(5s, 1s)",
            "gamma(1s)",
            "exp(1s",
            "normal(1s, -2s)",
            "lognormal(0s, 1s)",
            "fast",
        ] {
            assert!(DurationDist::parse(bad).is_err(), "{bad}");
        }
        assert!(Dist::parse("uniform(3.0, 5.0)", number_value).is_ok());
        assert!(Dist::parse("uniform(3.0, x)", number_value).is_err());
        // Regression (review): normal(1e308, 1e308) drew infinities and a rating of NaN.
        assert!(Dist::parse("normal(1e308, 1e308)", number_value).is_err());
        assert!(Dist::parse("uniform(-1e9, 1e9)", number_value).is_ok());
    }
}
