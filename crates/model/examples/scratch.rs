use esplab_model::*;
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let mut p = Parameters::default();
    p.run.users = args.get(1).map(|s| s.parse().unwrap()).unwrap_or(100_000);
    p.run.seed = args.get(2).map(|s| s.parse().unwrap()).unwrap_or(1);
    p.excitement.hype_peak = 2.0;
    p.excitement.momentum = 1.0;
    p.offerings = vec![
        OfferingParameters {
            name: "a".into(),
            capability: 1.0,
            capability_growth: 0.3,
            security: 0.2,
        },
        OfferingParameters {
            name: "b".into(),
            capability: 0.9,
            capability_growth: 0.3,
            security: 0.3,
        },
        OfferingParameters {
            name: "c".into(),
            capability: 0.8,
            capability_growth: 0.3,
            security: 0.4,
        },
    ];
    let t = std::time::Instant::now();
    let mut r = Recorder::default();
    run(&p, &mut r);
    eprintln!("elapsed {:?}", t.elapsed());
    for d in r.days.iter().step_by(60) {
        println!(
            "{:5} E={:.2} A={:.3} B={:.3} F={:.3} thr={:.2} inc={} news={} churn={:.5} sec={:?}",
            d.day,
            d.excitement,
            d.adoption,
            d.baseline,
            d.fear,
            d.attention_threshold,
            d.incidents,
            d.news,
            d.security_churn,
            r.offerings[d.day as usize]
                .iter()
                .map(|o| format!("{:.2}/{:.3}", o.users, o.security))
                .collect::<Vec<_>>()
        );
    }
    let kinds = [
        "incident",
        "news",
        "vendor_raise",
        "outcry",
        "regulation",
        "intervention",
    ];
    for k in kinds {
        println!("{k}: {}", r.events.iter().filter(|e| e.kind.name() == k).count());
    }
    for e in r.events.iter().filter(|e| e.kind != EventKind::Incident).take(40) {
        println!(
            "{} {} {:?} {:.3} {}",
            e.day,
            e.kind.name(),
            e.offering,
            e.size,
            e.detail
        );
    }
    println!("{:?}", r.summary);
}
