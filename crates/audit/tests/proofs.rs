//! Every inclusion and consistency proof of every tree up to 64 leaves: generated proofs equal
//! the RFC 9162 definitions (written out naively below), verify, survive JSON, and fail once
//! tampered with in any of the ways a forger or a broken server could.

use interdict_audit::{
    empty_root, leaf_hash, node_hash, verify_consistency, verify_inclusion, ConsistencyProof, Hash,
    InclusionProof, Tree,
};

const MAX: usize = 64;

fn leaves(n: usize) -> Vec<Hash> {
    (0..n as u32).map(|i| leaf_hash(&i.to_be_bytes())).collect()
}

fn k_of(n: usize) -> usize {
    let mut k = 1;
    while k * 2 < n {
        k *= 2;
    }
    k
}

/// RFC 9162 §2.1.1 MTH, straight from the definition.
fn mth(d: &[Hash]) -> Hash {
    match d.len() {
        0 => empty_root(),
        1 => d[0],
        n => {
            let k = k_of(n);
            node_hash(&mth(&d[..k]), &mth(&d[k..]))
        }
    }
}

/// RFC 9162 §2.1.3.1 PATH(m, D[n]).
fn path(m: usize, d: &[Hash]) -> Vec<Hash> {
    if d.len() <= 1 {
        return vec![];
    }
    let k = k_of(d.len());
    let (mut p, sibling) = if m < k {
        (path(m, &d[..k]), mth(&d[k..]))
    } else {
        (path(m - k, &d[k..]), mth(&d[..k]))
    };
    p.push(sibling);
    p
}

/// RFC 9162 §2.1.4.1 SUBPROOF(m, D[n], b).
fn subproof(m: usize, d: &[Hash], b: bool) -> Vec<Hash> {
    let n = d.len();
    if m == n {
        return if b { vec![] } else { vec![mth(d)] };
    }
    let k = k_of(n);
    let (mut p, other) = if m <= k {
        (subproof(m, &d[..k], b), mth(&d[k..]))
    } else {
        (subproof(m - k, &d[k..], false), mth(&d[..k]))
    };
    p.push(other);
    p
}

fn flipped(h: &Hash, bit: usize) -> Hash {
    let mut b = *h.as_bytes();
    b[bit / 8] ^= 1 << (bit % 8);
    Hash::from_bytes(b)
}

/// Each way to spoil a path: every hash with a bit flipped, every hash removed, a hash added
/// at either end, neighbours swapped.
fn spoiled(path: &[Hash]) -> Vec<Vec<Hash>> {
    let mut out = Vec::new();
    for i in 0..path.len() {
        let mut p = path.to_vec();
        p[i] = flipped(&p[i], (i * 37) % 256);
        out.push(p);
        let mut p = path.to_vec();
        p.remove(i);
        out.push(p);
        if i + 1 < path.len() && path[i] != path[i + 1] {
            let mut p = path.to_vec();
            p.swap(i, i + 1);
            out.push(p);
        }
    }
    let extra = leaf_hash(b"extra");
    let mut p = path.to_vec();
    p.push(extra);
    out.push(p);
    let mut p = vec![extra];
    p.extend_from_slice(path);
    out.push(p);
    out
}

#[test]
fn every_inclusion_proof_up_to_64_leaves() {
    let d = leaves(MAX);
    let tree = Tree::from_leaves(d.iter().copied());
    let roots: Vec<Hash> = (0..=MAX).map(|n| mth(&d[..n])).collect();
    for n in 1..=MAX {
        assert_eq!(tree.root_at(n as u64), Ok(roots[n]));
        for m in 0..n {
            let proof = tree.inclusion_proof(m as u64, n as u64).expect("in range");
            assert_eq!(proof.audit_path, path(m, &d[..n]), "PATH({m}, D[{n}])");
            assert_eq!(
                verify_inclusion(&d[m], &proof, &roots[n]),
                Ok(()),
                "{m} in {n}"
            );

            // Through the contract's JSON and back.
            let json = serde_json::to_string(&proof).expect("JSON");
            let back: InclusionProof = serde_json::from_str(&json).expect("parses");
            assert_eq!(back, proof);

            // Another leaf, another root, another index, another size: all refused.
            let other_leaf = d[(m + 1) % n];
            if n > 1 {
                assert!(verify_inclusion(&other_leaf, &proof, &roots[n]).is_err());
            }
            assert!(verify_inclusion(&d[m], &proof, &flipped(&roots[n], m)).is_err());
            for wrong in (0..n).filter(|&w| w != m) {
                let p = InclusionProof {
                    leaf_index: wrong as u64,
                    ..proof.clone()
                };
                assert!(
                    verify_inclusion(&d[m], &p, &roots[n]).is_err(),
                    "leaf {m} of {n} passed as leaf {wrong}"
                );
            }
            for size in [n - 1, n + 1] {
                // The size is vouched for by the root only: against the root of the size it
                // claims, the proof of another size fails.
                if size > m && size <= MAX {
                    let p = InclusionProof {
                        tree_size: size as u64,
                        ..proof.clone()
                    };
                    assert!(verify_inclusion(&d[m], &p, &roots[size]).is_err());
                }
            }
            for spoilt in spoiled(&proof.audit_path) {
                let p = InclusionProof {
                    audit_path: spoilt,
                    ..proof.clone()
                };
                assert!(verify_inclusion(&d[m], &p, &roots[n]).is_err());
            }
        }
    }
}

#[test]
fn every_consistency_proof_up_to_64_leaves() {
    let d = leaves(MAX);
    let tree = Tree::from_leaves(d.iter().copied());
    let roots: Vec<Hash> = (0..=MAX).map(|n| mth(&d[..n])).collect();
    for n in 1..=MAX {
        for m in 1..=n {
            let proof = tree
                .consistency_proof(m as u64, n as u64)
                .expect("in range");
            assert_eq!(
                proof.proof,
                subproof(m, &d[..n], true),
                "PROOF({m}, D[{n}])"
            );
            assert_eq!(
                verify_consistency(&proof, &roots[m], &roots[n]),
                Ok(()),
                "{m} to {n}"
            );
            let json = serde_json::to_string(&proof).expect("JSON");
            let back: ConsistencyProof = serde_json::from_str(&json).expect("parses");
            assert_eq!(back, proof);

            // Wrong first root, wrong second root.
            assert!(verify_consistency(&proof, &flipped(&roots[m], n), &roots[n]).is_err());
            assert!(verify_consistency(&proof, &roots[m], &flipped(&roots[n], m)).is_err());
            if m < n {
                assert!(verify_consistency(&proof, &roots[n], &roots[m]).is_err());
            }
            // Other sizes with their own roots.
            for from in (1..=n).filter(|&f| f != m) {
                let p = ConsistencyProof {
                    from: from as u64,
                    ..proof.clone()
                };
                assert!(
                    verify_consistency(&p, &roots[from], &roots[n]).is_err(),
                    "proof {m}->{n} passed as {from}->{n}"
                );
            }
            for to in [n + 1, n + 2].into_iter().filter(|&t| t <= MAX) {
                let p = ConsistencyProof {
                    to: to as u64,
                    ..proof.clone()
                };
                assert!(verify_consistency(&p, &roots[m], &roots[to]).is_err());
            }
            for spoilt in spoiled(&proof.proof) {
                let p = ConsistencyProof {
                    proof: spoilt,
                    ..proof.clone()
                };
                assert!(
                    verify_consistency(&p, &roots[m], &roots[n]).is_err(),
                    "spoilt proof {m}->{n} passed: {:?}",
                    p.proof
                );
            }
        }
    }
}

#[test]
fn a_larger_tree_agrees_with_the_definitions() {
    // Sizes around powers of two, where the tree's shape changes.
    let d = leaves(1100);
    let tree = Tree::from_leaves(d.iter().copied());
    for n in [127usize, 128, 129, 511, 512, 513, 1023, 1024, 1025, 1100] {
        let root = mth(&d[..n]);
        assert_eq!(tree.root_at(n as u64), Ok(root));
        for m in [0, 1, n / 3, n / 2, n - 2, n - 1] {
            let p = tree.inclusion_proof(m as u64, n as u64).expect("in range");
            assert_eq!(p.audit_path, path(m, &d[..n]));
            assert_eq!(verify_inclusion(&d[m], &p, &root), Ok(()));
        }
        for m in [1, 2, 64, 100, n / 2, n - 1, n] {
            let p = tree
                .consistency_proof(m as u64, n as u64)
                .expect("in range");
            assert_eq!(p.proof, subproof(m, &d[..n], true));
            assert_eq!(verify_consistency(&p, &mth(&d[..m]), &root), Ok(()));
        }
    }
}
