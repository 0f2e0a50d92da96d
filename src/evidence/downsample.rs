//! Downsampling a metric curve to screen width. A 1,000,000-point history drawn point by point
//! stalls the terminal; a screen has only a few hundred columns, so each column needs only the
//! points that change what it shows.
//!
//! Two methods: [`min_max_per_column`] keeps each column's lowest and highest point (spikes and
//! dips stay visible: what an approver must not miss), and [`lttb`] (Largest-Triangle-Three-
//! Buckets, Steinarsson 2013) keeps the points that best preserve the curve's shape.
//! Both skip points whose x or y is not finite (MLflow stores NaN and infinite metric values).
//!
//! Speed: a million points are 16 MB, so each pass over them costs about a millisecond of memory
//! traffic. Both methods read the input once in the common case (finite values sorted by x, as
//! metric histories are) and fall back to a second, general pass only when that fails.

/// A point of a curve: (x, y), the form ratatui's `Chart` draws.
pub type Point = (f64, f64);

/// Keep, for each of `columns` equal-width x ranges, the lowest and the highest point (in x
/// order), plus the curve's first and last points. Returns at most `2 * columns + 2` points,
/// sorted by x when the input is. Input shorter than that is returned as is (minus non-finite).
pub fn min_max_per_column(points: &[Point], columns: usize) -> Vec<Point> {
    let columns = columns.max(1);
    if points.len() <= 2 * columns + 2 {
        return finite_only(points);
    }
    let (Some(first), Some(last)) = (
        points.iter().position(is_finite),
        points.iter().rposition(is_finite),
    ) else {
        return Vec::new();
    };
    let mut keep: Vec<usize> = Vec::with_capacity(2 * columns + 2);
    let (x_min, x_max) = (points[first].0, points[last].0);
    let sorted_fast_path = x_max > x_min
        && extremes_if_sorted(
            &points[first..=last],
            first,
            columns,
            x_min,
            x_max,
            &mut keep,
        );
    if !sorted_fast_path {
        keep.clear();
        let (x_min, x_max) = x_range(points);
        if x_max <= x_min {
            // Every point at one x: a vertical line from the lowest to the highest.
            return extremes_of(points.iter().copied().filter(is_finite))
                .map(|(lo, hi)| dedup_pair(lo, hi))
                .unwrap_or_default();
        }
        extremes_unsorted(points, columns, x_min, x_max, &mut keep);
    }
    keep.push(first);
    keep.push(last);
    // Sorting by input index keeps the input's order; dedup drops repeats (lo == hi, first/last).
    keep.sort_unstable();
    keep.dedup();
    keep.into_iter().map(|i| points[i]).collect()
}

/// Push the (min, max) indices of a column, in input order.
fn push_pair(keep: &mut Vec<usize>, lo: usize, hi: usize) {
    if lo <= hi {
        keep.extend([lo, hi]);
    } else {
        keep.extend([hi, lo]);
    }
}

/// The fast path, assuming x finite and never decreasing: each column is a contiguous slice
/// found by binary search and scanned once. Returns false (having checked as it went) when the
/// assumption does not hold, and the caller takes the general path.
fn extremes_if_sorted(
    points: &[Point],
    offset: usize,
    columns: usize,
    x_min: f64,
    x_max: f64,
    keep: &mut Vec<usize>,
) -> bool {
    let width = x_max - x_min;
    let mut start = 0;
    let mut prev = f64::NEG_INFINITY;
    for c in 0..columns {
        let end = if c + 1 == columns {
            points.len()
        } else {
            let boundary = x_min + (c + 1) as f64 * width / columns as f64;
            start + points[start..].partition_point(|p| p.0 < boundary)
        };
        let (mut lo, mut hi) = (usize::MAX, usize::MAX);
        let (mut lo_y, mut hi_y) = (f64::INFINITY, f64::NEG_INFINITY);
        // Branch-free on purpose: a trending curve sets a new min or max at unpredictable
        // points, and mispredicted branches would cost more than the selects.
        let mut sorted = true;
        for (i, &(x, y)) in points[start..end].iter().enumerate() {
            // False for a NaN x too; an infinite x cannot be followed by a finite one.
            sorted &= x >= prev;
            prev = x;
            let finite = y.is_finite();
            let lower = finite & (y < lo_y);
            let higher = finite & (y > hi_y);
            lo = if lower { start + i } else { lo };
            lo_y = if lower { y } else { lo_y };
            hi = if higher { start + i } else { hi };
            hi_y = if higher { y } else { hi_y };
        }
        if !sorted {
            return false;
        }
        if lo != usize::MAX {
            push_pair(keep, offset + lo, offset + hi);
        }
        start = end;
    }
    true
}

/// The general path: one pass assigning each finite point to its column by x.
fn extremes_unsorted(
    points: &[Point],
    columns: usize,
    x_min: f64,
    x_max: f64,
    keep: &mut Vec<usize>,
) {
    let scale = columns as f64 / (x_max - x_min);
    // Per column: (min y, its index, max y, its index); usize::MAX marks an empty column.
    let mut cols = vec![(f64::INFINITY, usize::MAX, f64::NEG_INFINITY, usize::MAX); columns];
    for (i, &(x, y)) in points.iter().enumerate() {
        if !(x.is_finite() && y.is_finite()) {
            continue;
        }
        let col = &mut cols[(((x - x_min) * scale) as usize).min(columns - 1)];
        if y < col.0 {
            col.0 = y;
            col.1 = i;
        }
        if y > col.2 {
            col.2 = y;
            col.3 = i;
        }
    }
    for &(_, lo, _, hi) in &cols {
        if lo != usize::MAX {
            push_pair(keep, lo, hi);
        }
    }
}

/// Largest-Triangle-Three-Buckets: `threshold` points (at least 3) that keep the curve's visual
/// shape; the first and last points are always kept. Expects points sorted by x.
pub fn lttb(points: &[Point], threshold: usize) -> Vec<Point> {
    match lttb_finite(points, threshold) {
        Some(out) => out,
        None => lttb_finite(&finite_only(points), threshold).unwrap_or_default(),
    }
}

/// LTTB over `data`, or `None` on meeting a non-finite point (checked as the pass goes, so
/// clean input is read once).
fn lttb_finite(data: &[Point], threshold: usize) -> Option<Vec<Point>> {
    let n = data.len();
    if threshold >= n || threshold < 3 {
        return data.iter().all(is_finite).then(|| data.to_vec());
    }
    if !(is_finite(&data[0]) && is_finite(&data[n - 1])) {
        return None;
    }
    let mut out = Vec::with_capacity(threshold);
    out.push(data[0]);
    // The n - 2 inner points are split into threshold - 2 buckets covering 1..n-1 exactly.
    let buckets = threshold - 2;
    let every = (n - 2) as f64 / buckets as f64;
    let bound = |b: usize| {
        if b >= buckets {
            n - 1
        } else {
            ((b as f64 * every) as usize + 1).min(n - 1)
        }
    };
    let mut a = 0usize; // index of the point chosen in the previous bucket
    for bucket in 0..buckets {
        let (start, end) = (bound(bucket), bound(bucket + 1));
        // The next bucket's average point is the third corner of the triangle; after the last
        // bucket it is the last point.
        let (avg_x, avg_y) = if bucket + 1 == buckets {
            data[n - 1]
        } else {
            average(&data[end..bound(bucket + 2)])
        };
        let (ax, ay) = data[a];
        let mut best = start;
        let mut best_area = -1.0;
        for (offset, &(x, y)) in data[start..end].iter().enumerate() {
            if !(x.is_finite() && y.is_finite()) {
                return None;
            }
            // Twice the triangle's area; the factor does not change which point wins.
            let area = ((ax - avg_x) * (y - ay) - (ax - x) * (avg_y - ay)).abs();
            if area > best_area {
                best_area = area;
                best = start + offset;
            }
        }
        out.push(data[best]);
        a = best;
    }
    out.push(data[n - 1]);
    Some(out)
}

/// The downsampling tollgate uses for charts: min/max per column, because hiding a spike is
/// worse than a slightly jagged line.
pub fn for_screen(points: &[Point], columns: usize) -> Vec<Point> {
    min_max_per_column(points, columns)
}

fn is_finite(p: &Point) -> bool {
    p.0.is_finite() && p.1.is_finite()
}

fn finite_only(points: &[Point]) -> Vec<Point> {
    points.iter().copied().filter(is_finite).collect()
}

/// The x range of the finite points (the caller knows there is at least one).
fn x_range(points: &[Point]) -> (f64, f64) {
    points
        .iter()
        .filter(|p| is_finite(p))
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), p| {
            (lo.min(p.0), hi.max(p.0))
        })
}

fn extremes_of(points: impl Iterator<Item = Point>) -> Option<(Point, Point)> {
    points.fold(None, |acc, p| match acc {
        None => Some((p, p)),
        Some((lo, hi)) => Some((
            if p.1 < lo.1 { p } else { lo },
            if p.1 > hi.1 { p } else { hi },
        )),
    })
}

fn dedup_pair(a: Point, b: Point) -> Vec<Point> {
    if a == b {
        vec![a]
    } else {
        vec![a, b]
    }
}

fn average(points: &[Point]) -> Point {
    let n = points.len().max(1) as f64;
    let (sx, sy) = points
        .iter()
        .fold((0.0, 0.0), |(sx, sy), &(x, y)| (sx + x, sy + y));
    (sx / n, sy / n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn noisy(n: usize) -> Vec<Point> {
        // Deterministic wiggle; no rand dependency needed.
        (0..n)
            .map(|i| (i as f64, ((i * 7919) % 1000) as f64 / 1000.0))
            .collect()
    }

    #[test]
    fn min_max_keeps_a_single_spike() {
        let mut pts: Vec<Point> = (0..30_000).map(|i| (i as f64, 1.0)).collect();
        pts[12_345].1 = 99.0;
        pts[20_000].1 = -5.0;
        let out = min_max_per_column(&pts, 100);
        assert!(out.len() <= 202);
        assert!(out.contains(&(12_345.0, 99.0)));
        assert!(out.contains(&(20_000.0, -5.0)));
    }

    #[test]
    fn min_max_keeps_first_and_last_and_order() {
        let pts = noisy(10_000);
        let out = min_max_per_column(&pts, 50);
        assert_eq!(out.first(), pts.first());
        assert_eq!(out.last(), pts.last());
        assert!(out.windows(2).all(|w| w[0].0 < w[1].0));
        assert!(out.len() <= 102);
    }

    #[test]
    fn min_max_column_extremes_match_brute_force() {
        let pts = noisy(5_000);
        let out = min_max_per_column(&pts, 10);
        for c in 0..10 {
            let lo_x = c as f64 * 4999.0 / 10.0;
            let hi_x = (c + 1) as f64 * 4999.0 / 10.0;
            let col: Vec<&Point> = pts
                .iter()
                .filter(|p| p.0 >= lo_x && (p.0 < hi_x || c == 9))
                .collect();
            let max = col.iter().map(|p| p.1).fold(f64::MIN, f64::max);
            let min = col.iter().map(|p| p.1).fold(f64::MAX, f64::min);
            let kept: Vec<&Point> = out
                .iter()
                .filter(|p| p.0 >= lo_x && (p.0 < hi_x || c == 9))
                .collect();
            assert!(kept.iter().any(|p| p.1 == max), "column {c} lost its max");
            assert!(kept.iter().any(|p| p.1 == min), "column {c} lost its min");
        }
    }

    #[test]
    fn unsorted_input_gives_the_same_extremes() {
        let sorted = noisy(20_000);
        let mut shuffled = sorted.clone();
        // A deterministic shuffle: reverse, then swap every pair.
        shuffled.reverse();
        for pair in shuffled.chunks_mut(2) {
            pair.swap(0, pair.len() - 1);
        }
        // The first and last points are the input's own, so they differ; the extremes do not.
        let ends = [sorted[0], sorted[19_999], shuffled[0], shuffled[19_999]];
        let inner = |pts: Vec<Point>| -> Vec<Point> {
            pts.into_iter().filter(|p| !ends.contains(p)).collect()
        };
        let mut a = inner(min_max_per_column(&sorted, 37));
        let mut b = inner(min_max_per_column(&shuffled, 37));
        let key = |p: &Point| (p.0 as i64, (p.1 * 1e6) as i64);
        a.sort_by_key(key);
        b.sort_by_key(key);
        assert_eq!(a, b);
    }

    #[test]
    fn short_input_is_returned_unchanged() {
        let pts = noisy(10);
        assert_eq!(min_max_per_column(&pts, 100), pts);
        assert_eq!(lttb(&pts, 100), pts);
    }

    #[test]
    fn empty_and_non_finite_input() {
        assert!(min_max_per_column(&[], 10).is_empty());
        assert!(lttb(&[], 10).is_empty());
        let pts = vec![(0.0, f64::NAN), (1.0, f64::INFINITY)];
        assert!(min_max_per_column(&pts, 10).is_empty());
        let mut many = noisy(1_000);
        many[500].1 = f64::NAN;
        assert!(min_max_per_column(&many, 10).iter().all(is_finite));
        assert!(lttb(&many, 20).iter().all(is_finite));
        assert_eq!(lttb(&many, 20).len(), 20);
    }

    #[test]
    fn non_finite_x_falls_back_to_the_general_path() {
        let mut pts = noisy(5_000);
        pts[2_500].0 = f64::NAN;
        pts[4_999].0 = f64::INFINITY;
        pts[10].1 = 50.0;
        let out = min_max_per_column(&pts, 20);
        assert!(out.iter().all(is_finite));
        assert!(out.contains(&(10.0, 50.0)));
        assert_eq!(out.last(), Some(&pts[4_998]));
        let l = lttb(&pts, 30);
        assert_eq!(l.len(), 30);
        assert!(l.iter().all(is_finite));
    }

    #[test]
    fn all_points_at_one_x() {
        let pts: Vec<Point> = (0..1000).map(|i| (5.0, i as f64)).collect();
        assert_eq!(min_max_per_column(&pts, 10), vec![(5.0, 0.0), (5.0, 999.0)]);
    }

    #[test]
    fn zero_columns_is_treated_as_one() {
        let pts = noisy(100);
        let out = min_max_per_column(&pts, 0);
        assert!(out.len() <= 4 && out.len() >= 2);
    }

    #[test]
    fn lttb_returns_threshold_points_with_endpoints() {
        let pts = noisy(100_000);
        let out = lttb(&pts, 300);
        assert_eq!(out.len(), 300);
        assert_eq!(out[0], pts[0]);
        assert_eq!(out[299], pts[99_999]);
        assert!(out.windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn lttb_keeps_a_peak() {
        let mut pts: Vec<Point> = (0..10_000).map(|i| (i as f64, 0.0)).collect();
        pts[5_000].1 = 50.0;
        assert!(lttb(&pts, 100).contains(&(5_000.0, 50.0)));
    }

    #[test]
    fn lttb_threshold_below_three_returns_input() {
        let pts = noisy(50);
        assert_eq!(lttb(&pts, 2).len(), 50);
    }

    #[test]
    fn for_screen_uses_min_max() {
        let pts = noisy(3_000);
        assert_eq!(for_screen(&pts, 40), min_max_per_column(&pts, 40));
    }
}
