//! Inclusion and consistency proofs as the contract serves them, and their verification by the
//! algorithms of RFC 9162 §2.1.3.2 and §2.1.4.2, step by step.
//!
//! Verification needs nothing but hashes: a member system can check an answer of the platform
//! with these functions alone (or with any RFC 9162 implementation: the JSON is the RFC's).

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::hash::{node_hash, Hash};

/// `{"leaf_index", "tree_size", "audit_path": [hex…]}`: the RFC's `inclusion_path`, from the
/// leaf's sibling up to the child of the root.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InclusionProof {
    pub leaf_index: u64,
    pub tree_size: u64,
    pub audit_path: Vec<Hash>,
}

/// `{"from", "to", "proof": [hex…]}`: the RFC's `consistency_path` between the trees of the
/// first `from` and the first `to` entries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsistencyProof {
    pub from: u64,
    pub to: u64,
    pub proof: Vec<Hash>,
}

/// Why a proof does not prove what it claims.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ProofError {
    #[error("leaf {leaf_index} is not in a tree of {tree_size} leaves")]
    LeafBeyondTree { leaf_index: u64, tree_size: u64 },
    #[error("the path has more hashes than a proof for this tree size")]
    PathTooLong,
    #[error("the path has fewer hashes than a proof for this tree size")]
    PathTooShort,
    #[error("the proof leads to root {computed}, not {expected}")]
    RootMismatch { expected: Hash, computed: Hash },
    #[error("a consistency proof from the empty tree proves nothing")]
    FromEmptyTree,
    #[error("a consistency proof cannot go from {from} entries back to {to}")]
    FromBeyondTo { from: u64, to: u64 },
    #[error("between equal sizes the proof must be empty")]
    EqualSizesNeedEmptyProof,
    #[error("the proof is empty")]
    EmptyProof,
    #[error("the proof does not lead back to the first root {expected} (it gives {computed})")]
    FirstRootMismatch { expected: Hash, computed: Hash },
}

/// Which side of the running hash the next hash of a path stands on.
enum Side {
    Left,
    Right,
}

/// The walk up the tree that both of the RFC's verifications make: `f` is the index of the
/// running node at its level (the RFC's `fn`), `s` the index of the tree's last node there
/// (`sn`). Each hash of the path moves it up one level or more.
struct Walk {
    f: u64,
    s: u64,
}

impl Walk {
    /// The RFC's loop body for one hash of the path: on which side it stands.
    fn next(&mut self) -> Result<Side, ProofError> {
        // The root has been reached: the path is longer than the tree is deep.
        if self.s == 0 {
            return Err(ProofError::PathTooLong);
        }
        let side = if self.f & 1 == 1 || self.f == self.s {
            if self.f & 1 == 0 {
                // The running node is on the tree's right border: skip the levels where it
                // has no sibling.
                while self.f & 1 == 0 && self.f != 0 {
                    self.f >>= 1;
                    self.s >>= 1;
                }
            }
            Side::Left
        } else {
            Side::Right
        };
        self.f >>= 1;
        self.s >>= 1;
        Ok(side)
    }

    /// `sn` must be 0 at the end: every level up to the root was used.
    fn finish(&self) -> Result<(), ProofError> {
        if self.s == 0 {
            Ok(())
        } else {
            Err(ProofError::PathTooShort)
        }
    }
}

/// The root an inclusion proof leads to from `leaf` (RFC 9162 §2.1.3.2, steps 1–4 and the
/// `sn` check of step 5).
pub fn root_from_inclusion(leaf: &Hash, proof: &InclusionProof) -> Result<Hash, ProofError> {
    // 1. leaf_index must be inside the tree.
    if proof.leaf_index >= proof.tree_size {
        return Err(ProofError::LeafBeyondTree {
            leaf_index: proof.leaf_index,
            tree_size: proof.tree_size,
        });
    }
    // 2. fn is the leaf's index, sn the last leaf's, at the current level.
    let mut walk = Walk {
        f: proof.leaf_index,
        s: proof.tree_size - 1,
    };
    // 3.
    let mut r = *leaf;
    // 4.
    for p in &proof.audit_path {
        r = match walk.next()? {
            Side::Left => node_hash(p, &r),
            Side::Right => node_hash(&r, p),
        };
    }
    // 5. (first half) every level up to the root must have been used.
    walk.finish()?;
    Ok(r)
}

/// RFC 9162 §2.1.3.2: does `proof` show `leaf` at `leaf_index` in the tree with `root`?
pub fn verify_inclusion(
    leaf: &Hash,
    proof: &InclusionProof,
    root: &Hash,
) -> Result<(), ProofError> {
    let computed = root_from_inclusion(leaf, proof)?;
    if computed != *root {
        return Err(ProofError::RootMismatch {
            expected: *root,
            computed,
        });
    }
    Ok(())
}

/// RFC 9162 §2.1.4.2: does `proof` show that the tree with `to_root` (of `proof.to` leaves)
/// extends the tree with `from_root` (of `proof.from` leaves)?
///
/// The RFC's algorithm is for `0 < from < to`. The edges are decided as the Certificate
/// Transparency verifiers do: `from == to` is proven by an empty proof and equal roots; `from
/// == 0` is refused (every tree extends the empty one, so such a proof would prove nothing and
/// is most likely a client's mistake); `from > to` is refused.
pub fn verify_consistency(
    proof: &ConsistencyProof,
    from_root: &Hash,
    to_root: &Hash,
) -> Result<(), ProofError> {
    let (from, to) = (proof.from, proof.to);
    if from > to {
        return Err(ProofError::FromBeyondTo { from, to });
    }
    if from == 0 {
        return Err(ProofError::FromEmptyTree);
    }
    if from == to {
        if !proof.proof.is_empty() {
            return Err(ProofError::EqualSizesNeedEmptyProof);
        }
        if from_root != to_root {
            return Err(ProofError::RootMismatch {
                expected: *to_root,
                computed: *from_root,
            });
        }
        return Ok(());
    }
    // 1.
    if proof.proof.is_empty() {
        return Err(ProofError::EmptyProof);
    }
    // 2. When `from` is a power of two its tree is a complete subtree of the new one, and the
    //    proof leaves out its root, which the verifier already holds.
    let prepended = from.is_power_of_two().then_some(from_root);
    let mut path = prepended.into_iter().chain(proof.proof.iter());
    // 3.
    let mut walk = Walk {
        f: from - 1,
        s: to - 1,
    };
    // 4. Climb to the level of the first hash of the path.
    while walk.f & 1 == 1 {
        walk.f >>= 1;
        walk.s >>= 1;
    }
    // 5. (The path is not empty: step 1.)
    let Some(first) = path.next() else {
        return Err(ProofError::EmptyProof);
    };
    let mut fr = *first;
    let mut sr = *first;
    // 6. A hash on the left is in both trees; one on the right only in the second.
    for c in path {
        match walk.next()? {
            Side::Left => {
                fr = node_hash(c, &fr);
                sr = node_hash(c, &sr);
            }
            Side::Right => sr = node_hash(&sr, c),
        }
    }
    // 7.
    walk.finish()?;
    if fr != *from_root {
        return Err(ProofError::FirstRootMismatch {
            expected: *from_root,
            computed: fr,
        });
    }
    if sr != *to_root {
        return Err(ProofError::RootMismatch {
            expected: *to_root,
            computed: sr,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hash::leaf_hash;

    #[test]
    fn json_is_the_contracts() {
        let p = InclusionProof {
            leaf_index: 1,
            tree_size: 2,
            audit_path: vec![leaf_hash(b"")],
        };
        assert_eq!(
            serde_json::to_string(&p).unwrap(),
            r#"{"leaf_index":1,"tree_size":2,"audit_path":["6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"]}"#
        );
        let c = ConsistencyProof {
            from: 1,
            to: 1,
            proof: vec![],
        };
        assert_eq!(
            serde_json::to_string(&c).unwrap(),
            r#"{"from":1,"to":1,"proof":[]}"#
        );
    }

    #[test]
    fn a_single_leaf_is_its_own_root() {
        let leaf = leaf_hash(b"x");
        let p = InclusionProof {
            leaf_index: 0,
            tree_size: 1,
            audit_path: vec![],
        };
        assert_eq!(verify_inclusion(&leaf, &p, &leaf), Ok(()));
        let p = InclusionProof {
            audit_path: vec![leaf],
            ..p
        };
        assert_eq!(
            verify_inclusion(&leaf, &p, &leaf),
            Err(ProofError::PathTooLong)
        );
    }

    #[test]
    fn two_leaves() {
        let (a, b) = (leaf_hash(b"a"), leaf_hash(b"b"));
        let root = node_hash(&a, &b);
        let left = InclusionProof {
            leaf_index: 0,
            tree_size: 2,
            audit_path: vec![b],
        };
        let right = InclusionProof {
            leaf_index: 1,
            tree_size: 2,
            audit_path: vec![a],
        };
        assert_eq!(verify_inclusion(&a, &left, &root), Ok(()));
        assert_eq!(verify_inclusion(&b, &right, &root), Ok(()));
        assert!(verify_inclusion(&b, &left, &root).is_err());
        let short = InclusionProof {
            audit_path: vec![],
            ..left.clone()
        };
        assert_eq!(
            verify_inclusion(&a, &short, &root),
            Err(ProofError::PathTooShort)
        );
        let beyond = InclusionProof {
            leaf_index: 2,
            ..left
        };
        assert!(matches!(
            verify_inclusion(&a, &beyond, &root),
            Err(ProofError::LeafBeyondTree { .. })
        ));
        let c = ConsistencyProof {
            from: 1,
            to: 2,
            proof: vec![b],
        };
        assert_eq!(verify_consistency(&c, &a, &root), Ok(()));
        assert!(verify_consistency(&c, &b, &root).is_err());
    }

    #[test]
    fn consistency_edges() {
        let a = leaf_hash(b"a");
        let b = leaf_hash(b"b");
        let same = |from, to, proof| ConsistencyProof { from, to, proof };
        assert_eq!(verify_consistency(&same(3, 3, vec![]), &a, &a), Ok(()));
        assert!(matches!(
            verify_consistency(&same(3, 3, vec![]), &a, &b),
            Err(ProofError::RootMismatch { .. })
        ));
        assert_eq!(
            verify_consistency(&same(3, 3, vec![a]), &a, &a),
            Err(ProofError::EqualSizesNeedEmptyProof)
        );
        assert_eq!(
            verify_consistency(&same(0, 3, vec![a]), &a, &b),
            Err(ProofError::FromEmptyTree)
        );
        assert_eq!(
            verify_consistency(&same(0, 0, vec![]), &a, &a),
            Err(ProofError::FromEmptyTree)
        );
        assert_eq!(
            verify_consistency(&same(4, 3, vec![]), &a, &b),
            Err(ProofError::FromBeyondTo { from: 4, to: 3 })
        );
        assert_eq!(
            verify_consistency(&same(2, 3, vec![]), &a, &b),
            Err(ProofError::EmptyProof)
        );
    }
}
