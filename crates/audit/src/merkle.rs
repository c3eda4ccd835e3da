//! The RFC 9162 Merkle tree over the log's leaf hashes: roots of any prefix, and inclusion and
//! consistency proofs (RFC 9162 §2.1.2, §2.1.3.1, §2.1.4.1).
//!
//! Two shapes, for the two jobs of an append-only log:
//! - [`Frontier`] (a "compact range"): only the roots of the perfect subtrees that make up the
//!   tree, at most 64 hashes. Appending and the current root cost O(log n) and memory is
//!   O(log n), so `audit verify` can stream millions of entries and compare the root at every
//!   checkpoint's size on the way.
//! - [`Tree`]: every leaf and every complete inner node (about 2·n hashes). Appending is O(1)
//!   amortised; the root of any prefix is O(log n); an inclusion or consistency proof for any
//!   sizes is O(log² n) hashing — each proof node is one stored node or the fold of at most
//!   log n of them. This is what answers the proof endpoints; it holds 64 bytes per leaf
//!   (64 MB for a million entries), built once from the stored leaf hashes and then appended to.

use thiserror::Error;

use crate::hash::{empty_root, node_hash, Hash};
use crate::proof::{ConsistencyProof, InclusionProof};

/// A proof or root asked for sizes the tree does not have.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TreeError {
    #[error("the tree has {len} leaves, not {size}")]
    SizeBeyondTree { size: u64, len: u64 },
    #[error("leaf {leaf_index} is not in a tree of {tree_size} leaves")]
    LeafBeyondSize { leaf_index: u64, tree_size: u64 },
    #[error("a consistency proof from the empty tree proves nothing")]
    FromEmptyTree,
    #[error("a consistency proof cannot go from {from} leaves back to {to}")]
    FromBeyondTo { from: u64, to: u64 },
}

/// The largest power of two strictly below `n` (`n ≥ 2`): RFC 9162's split point `k`.
fn split(n: usize) -> usize {
    debug_assert!(n >= 2);
    1 << (usize::BITS - 1 - (n - 1).leading_zeros())
}

/// The right border of a tree: the roots of its perfect subtrees, largest (leftmost) first.
/// Their number is the number of one bits in the size.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Frontier {
    size: u64,
    nodes: Vec<Hash>,
}

impl Frontier {
    /// The empty tree.
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of leaves appended.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// The perfect subtrees' roots, largest first (as transparency-dev's compact ranges).
    pub fn nodes(&self) -> &[Hash] {
        &self.nodes
    }

    /// Appends a leaf hash: it merges with every subtree of equal size on the border, as a
    /// binary counter carries.
    pub fn push(&mut self, leaf: Hash) {
        let mut node = leaf;
        let mut carry = self.size;
        while carry & 1 == 1 {
            let Some(left) = self.nodes.pop() else { break };
            node = node_hash(&left, &node);
            carry >>= 1;
        }
        self.nodes.push(node);
        self.size += 1;
    }

    /// MTH of the leaves appended so far: the border folded from the right, which is what the
    /// RFC's recursion computes for a tree of that size.
    pub fn root(&self) -> Hash {
        let mut nodes = self.nodes.iter().rev();
        let Some(last) = nodes.next() else {
            return empty_root();
        };
        nodes.fold(*last, |right, left| node_hash(left, &right))
    }
}

/// Every leaf hash and every complete inner node of the tree, for roots and proofs at any size.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tree {
    /// `levels[h][i]` is the root of the perfect subtree over leaves `i·2^h .. (i+1)·2^h`;
    /// `levels[0]` are the leaves.
    levels: Vec<Vec<Hash>>,
}

impl Tree {
    /// The empty tree.
    pub fn new() -> Self {
        Self::default()
    }

    /// A tree over these leaf hashes, in order.
    pub fn from_leaves(leaves: impl IntoIterator<Item = Hash>) -> Self {
        let mut tree = Tree::new();
        for leaf in leaves {
            tree.push(leaf);
        }
        tree
    }

    /// Number of leaves.
    pub fn len(&self) -> u64 {
        self.leaves().len() as u64
    }

    /// Whether the tree has no leaf.
    pub fn is_empty(&self) -> bool {
        self.leaves().is_empty()
    }

    fn leaves(&self) -> &[Hash] {
        self.levels.first().map_or(&[], Vec::as_slice)
    }

    /// The leaf hash at `index`.
    pub fn leaf(&self, index: u64) -> Option<Hash> {
        let index = usize::try_from(index).ok()?;
        self.leaves().get(index).copied()
    }

    /// Appends a leaf hash and returns its index. Completes the inner nodes it closes.
    pub fn push(&mut self, leaf: Hash) -> u64 {
        let index = self.len();
        let mut node = leaf;
        let mut level = 0;
        loop {
            if self.levels.len() == level {
                self.levels.push(Vec::new());
            }
            let row = &mut self.levels[level];
            row.push(node);
            if row.len() % 2 == 1 {
                break;
            }
            node = node_hash(&row[row.len() - 2], &node);
            level += 1;
        }
        index
    }

    /// MTH of all leaves.
    pub fn root(&self) -> Hash {
        match self.leaves().len() {
            0 => empty_root(),
            n => self.subtree(0, n),
        }
    }

    /// MTH of the first `size` leaves (the root a checkpoint of that size signed).
    pub fn root_at(&self, size: u64) -> Result<Hash, TreeError> {
        match self.size(size)? {
            0 => Ok(empty_root()),
            n => Ok(self.subtree(0, n)),
        }
    }

    /// RFC 9162 §2.1.3.1: the inclusion proof of leaf `leaf_index` in the tree of the first
    /// `tree_size` leaves.
    pub fn inclusion_proof(
        &self,
        leaf_index: u64,
        tree_size: u64,
    ) -> Result<InclusionProof, TreeError> {
        let n = self.size(tree_size)?;
        if leaf_index >= tree_size {
            return Err(TreeError::LeafBeyondSize {
                leaf_index,
                tree_size,
            });
        }
        // leaf_index < tree_size ≤ len, so it fits a usize.
        let m = usize::try_from(leaf_index).map_err(|_| TreeError::LeafBeyondSize {
            leaf_index,
            tree_size,
        })?;
        let mut audit_path = Vec::new();
        self.path(m, 0, n, &mut audit_path);
        Ok(InclusionProof {
            leaf_index,
            tree_size,
            audit_path,
        })
    }

    /// RFC 9162 §2.1.4.1: the consistency proof between the trees of the first `from` and the
    /// first `to` leaves. `from == to` gives the empty proof; `from == 0` is refused (see
    /// [`crate::verify_consistency`]).
    pub fn consistency_proof(&self, from: u64, to: u64) -> Result<ConsistencyProof, TreeError> {
        let n = self.size(to)?;
        if from > to {
            return Err(TreeError::FromBeyondTo { from, to });
        }
        if from == 0 {
            return Err(TreeError::FromEmptyTree);
        }
        let m = usize::try_from(from).map_err(|_| TreeError::FromBeyondTo { from, to })?;
        let mut proof = Vec::new();
        self.subproof(m, 0, n, true, &mut proof);
        Ok(ConsistencyProof { from, to, proof })
    }

    /// `size` as an index, if the tree has that many leaves.
    fn size(&self, size: u64) -> Result<usize, TreeError> {
        let len = self.leaves().len();
        match usize::try_from(size) {
            Ok(n) if n <= len => Ok(n),
            _ => Err(TreeError::SizeBeyondTree {
                size,
                len: len as u64,
            }),
        }
    }

    /// MTH of leaves `start..end` (`start < end ≤ len`). The ranges the RFC's recursions visit
    /// are a perfect, aligned left part (one stored node) and a right part of the same kind,
    /// so this takes O(log n) steps.
    fn subtree(&self, start: usize, end: usize) -> Hash {
        let len = end - start;
        if len.is_power_of_two() && start & (len - 1) == 0 {
            let level = len.trailing_zeros() as usize;
            if let Some(node) = self
                .levels
                .get(level)
                .and_then(|row| row.get(start >> level))
            {
                return *node;
            }
        }
        // Not one stored node (len ≥ 2 here: single leaves are always stored).
        let k = split(len);
        node_hash(
            &self.subtree(start, start + k),
            &self.subtree(start + k, end),
        )
    }

    /// PATH(m, D[start:end]), appended to `out` from the leaf's level upwards.
    fn path(&self, m: usize, start: usize, end: usize, out: &mut Vec<Hash>) {
        let n = end - start;
        if n <= 1 {
            return;
        }
        let k = split(n);
        if m < k {
            self.path(m, start, start + k, out);
            out.push(self.subtree(start + k, end));
        } else {
            self.path(m - k, start + k, end, out);
            out.push(self.subtree(start, start + k));
        }
    }

    /// SUBPROOF(m, D[start:end], complete), appended to `out`. `complete` says whether the
    /// subtree of the first `m` leaves is one the verifier already knows the root of.
    fn subproof(&self, m: usize, start: usize, end: usize, complete: bool, out: &mut Vec<Hash>) {
        let n = end - start;
        if m == n {
            if !complete {
                out.push(self.subtree(start, end));
            }
            return;
        }
        let k = split(n);
        if m <= k {
            self.subproof(m, start, start + k, complete, out);
            out.push(self.subtree(start + k, end));
        } else {
            self.subproof(m - k, start + k, end, false, out);
            out.push(self.subtree(start, start + k));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hash::leaf_hash;

    /// MTH straight from the RFC's definition, to compare the stored-node shortcuts against.
    fn mth(leaves: &[Hash]) -> Hash {
        match leaves.len() {
            0 => empty_root(),
            1 => leaves[0],
            n => {
                let k = split(n);
                node_hash(&mth(&leaves[..k]), &mth(&leaves[k..]))
            }
        }
    }

    #[test]
    fn split_points() {
        assert_eq!([2, 3, 4, 5, 8, 9, 1000].map(split), [1, 2, 2, 4, 4, 8, 512]);
    }

    #[test]
    fn roots_of_every_prefix_match_the_definition() {
        let leaves: Vec<Hash> = (0u32..70).map(|i| leaf_hash(&i.to_be_bytes())).collect();
        let tree = Tree::from_leaves(leaves.iter().copied());
        let mut frontier = Frontier::new();
        assert_eq!(frontier.root(), empty_root());
        assert_eq!(tree.root_at(0), Ok(empty_root()));
        for n in 1..=leaves.len() {
            frontier.push(leaves[n - 1]);
            let want = mth(&leaves[..n]);
            assert_eq!(tree.root_at(n as u64), Ok(want), "size {n}");
            assert_eq!(frontier.root(), want, "size {n}");
            assert_eq!(frontier.nodes().len(), n.count_ones() as usize);
        }
        assert_eq!(tree.root(), mth(&leaves));
        assert_eq!(tree.len(), 70);
        assert_eq!(tree.leaf(69), Some(leaves[69]));
        assert_eq!(tree.leaf(70), None);
        assert_eq!(
            tree.root_at(71),
            Err(TreeError::SizeBeyondTree { size: 71, len: 70 })
        );
    }

    #[test]
    fn proofs_refuse_sizes_the_tree_has_not() {
        let tree = Tree::from_leaves((0u8..5).map(|i| leaf_hash(&[i])));
        assert!(matches!(
            tree.inclusion_proof(0, 6),
            Err(TreeError::SizeBeyondTree { .. })
        ));
        assert!(matches!(
            tree.inclusion_proof(5, 5),
            Err(TreeError::LeafBeyondSize { .. })
        ));
        assert!(matches!(
            tree.inclusion_proof(0, 0),
            Err(TreeError::LeafBeyondSize { .. })
        ));
        assert_eq!(tree.consistency_proof(0, 3), Err(TreeError::FromEmptyTree));
        assert_eq!(
            tree.consistency_proof(4, 3),
            Err(TreeError::FromBeyondTo { from: 4, to: 3 })
        );
        assert!(matches!(
            tree.consistency_proof(1, 6),
            Err(TreeError::SizeBeyondTree { .. })
        ));
        assert_eq!(tree.consistency_proof(5, 5).map(|p| p.proof), Ok(vec![]));
        assert!(tree.inclusion_proof(u64::MAX - 1, u64::MAX).is_err());
    }
}
