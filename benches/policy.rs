//! Loading a policy of 40,000 gates (issue 9: it took 51 s, quadratic in the gate count).
//! The 10,000-gate figure beside it shows the growth: linear loading takes about a quarter.
use criterion::{black_box, criterion_group, criterion_main, Criterion};
use tollgate::governance::Policy;

fn policy(gates: usize) -> String {
    let mut text = String::from("[settings]\nfour_eyes = true\n\n");
    for i in 0..gates {
        text.push_str(&format!(
            "[[gate]]\nid = \"gate-{i}\"\nmetric = \"metric_{i}\"\nmin = 0.5\nmax = 1.0\n\n"
        ));
    }
    text
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("policy load");
    group.sample_size(10);
    for gates in [10_000, 40_000] {
        let text = policy(gates);
        group.bench_function(format!("{gates} gates"), |b| {
            b.iter(|| {
                Policy::parse(black_box(&text), "bench.toml").expect("the bench policy parses")
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
