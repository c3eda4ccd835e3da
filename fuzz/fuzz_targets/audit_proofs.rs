//! Audit proofs and checkpoints come from servers a member does not control: any JSON must
//! parse or be refused without panicking, and a proof that verifies against a real tree's root
//! must be the tree's own proof (no forged path proves an entry that is not there, and no
//! forged consistency proof joins trees that do not extend each other).
#![no_main]

use interdict_audit::{
    leaf_hash, verify_consistency, verify_inclusion, Checkpoint, ConsistencyProof, Hash,
    InclusionProof, SigningKey, Tree,
};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn tree() -> &'static Tree {
    static T: OnceLock<Tree> = OnceLock::new();
    T.get_or_init(|| Tree::from_leaves((0..37u32).map(|i| leaf_hash(&i.to_be_bytes()))))
}

fuzz_target!(|data: &[u8]| {
    let t = tree();
    if let Ok(p) = serde_json::from_slice::<InclusionProof>(data) {
        if p.tree_size >= 1 && p.tree_size <= t.len() && p.leaf_index < p.tree_size {
            if let (Ok(root), Some(leaf)) = (t.root_at(p.tree_size), t.leaf(p.leaf_index)) {
                if verify_inclusion(&leaf, &p, &root).is_ok() {
                    let own = t
                        .inclusion_proof(p.leaf_index, p.tree_size)
                        .expect("the tree's own proof");
                    assert_eq!(own, p, "a second path proves the same leaf");
                }
                // A leaf that is not in the tree is never proven.
                let stranger: Hash = leaf_hash(b"not in the tree");
                assert!(verify_inclusion(&stranger, &p, &root).is_err());
            }
        }
    }
    if let Ok(p) = serde_json::from_slice::<ConsistencyProof>(data) {
        if p.to <= t.len() && p.from <= p.to && p.from >= 1 {
            if let (Ok(a), Ok(b)) = (t.root_at(p.from), t.root_at(p.to)) {
                if verify_consistency(&p, &a, &b).is_ok() {
                    let own = t.consistency_proof(p.from, p.to).expect("own proof");
                    assert_eq!(own, p, "a second consistency proof");
                }
            }
        }
    }
    if let Ok(c) = serde_json::from_slice::<Checkpoint>(data) {
        // A checkpoint from the wire never verifies under a key that did not sign it.
        let _ = c.verify(&SigningKey::from_seed([7; 32]).public_key());
        let _ = c.signed_message();
    }
});
