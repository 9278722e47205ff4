//! Memory prefetch hints for the random accesses of an incident (victims and their neighbours
//! are spread over the whole population). A hint changes no result, only when the data arrives.

/// Asks the processor to bring the cache line of `value` closer; a no-op off x86-64.
#[inline(always)]
pub fn prefetch<T>(value: *const T) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        // SAFETY: a prefetch is a hint; it never faults, even for an invalid address.
        unsafe { _mm_prefetch::<_MM_HINT_T0>(value as *const i8) };
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = value;
}

/// Prefetches element `index` of `slice`, if it exists.
#[inline(always)]
pub fn prefetch_at<T>(slice: &[T], index: usize) {
    if let Some(value) = slice.get(index) {
        prefetch(value as *const T);
    }
}
