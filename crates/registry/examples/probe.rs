use interdict_registry::{Identifier, Registry};
use std::io::BufRead;
fn main() {
    let ident = Identifier::new(Registry::builtin()).with_threshold(0.0);
    for line in std::io::stdin().lock().lines() {
        let line = line.unwrap();
        let r = ident.identify(&line);
        println!("== {line}  conflict={}", r.cas_name_conflict);
        for m in r.matches.iter().take(4) {
            println!(
                "   {:.2} {} {:?} {:?} form={:?}",
                m.score, m.substance.id, m.matched_on, m.matched_text, m.form
            );
        }
        for m in &r.related {
            println!(
                "   related {:.2} {} {:?}",
                m.score, m.substance.id, m.relation
            );
        }
        for c in &r.class_names {
            println!("   class {:?}", c);
        }
    }
}
