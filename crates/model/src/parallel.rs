//! Work cut into fixed blocks, run on the current rayon thread pool or on the calling thread.
//!
//! The cut never depends on the number of threads, and each block's work depends only on the
//! block, so a run gives the same bytes on one thread or many. A simulation uses the pool only
//! when built with [`Simulation::new_parallel`](crate::Simulation::new_parallel); otherwise the
//! model runs on its caller's thread alone (ARCHITECTURE.md, invariant 1).

use rayon::prelude::*;

/// Calls `work(block, items)` for each block of `size` items of `items` (the last may be
/// shorter), on the thread pool when `parallel`.
pub fn for_each_block<T: Send>(items: &mut [T], size: usize, parallel: bool, work: impl Fn(usize, &mut [T]) + Sync) {
    let size = size.max(1);
    if parallel {
        items
            .par_chunks_mut(size)
            .enumerate()
            .for_each(|(block, chunk)| work(block, chunk));
    } else {
        items
            .chunks_mut(size)
            .enumerate()
            .for_each(|(block, chunk)| work(block, chunk));
    }
}

/// The items `work(block)` makes for each of `blocks` blocks, in block order, made on the
/// thread pool when `parallel`.
pub fn collect_blocks<T: Send>(blocks: usize, parallel: bool, work: impl Fn(usize) -> Vec<T> + Sync) -> Vec<T> {
    if parallel {
        let parts: Vec<Vec<T>> = (0..blocks).into_par_iter().map(&work).collect();
        let mut all = Vec::with_capacity(parts.iter().map(Vec::len).sum());
        for mut part in parts {
            all.append(&mut part);
        }
        all
    } else {
        (0..blocks).flat_map(work).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_give_the_same_items_on_the_pool_and_alone() {
        let fill = |block: usize, items: &mut [u64]| {
            for (k, item) in items.iter_mut().enumerate() {
                *item = (block * 1000 + k) as u64;
            }
        };
        let (mut alone, mut pooled) = (vec![0u64; 10_007], vec![0u64; 10_007]);
        for_each_block(&mut alone, 64, false, fill);
        for_each_block(&mut pooled, 64, true, fill);
        assert_eq!(alone, pooled);
        assert_eq!(alone[64], 1000);
        let make = |block: usize| (0..block % 7).map(|k| block * 10 + k).collect::<Vec<_>>();
        assert_eq!(collect_blocks(300, false, make), collect_blocks(300, true, make));
        assert_eq!(collect_blocks(3, true, make), vec![10, 20, 21]);
    }
}
