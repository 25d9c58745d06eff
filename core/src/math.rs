//! Transcendental functions from the `libm` crate, on every target.
//!
//! `f64::exp` and its kin call the platform's maths library: glibc natively, a port of musl's
//! in wasm32. The two differ in the last bit now and then, and a last bit is enough to change
//! the sixth decimal of a target list or a CLV's cents: the CLI and the browser would not agree
//! on the same input. With one implementation everywhere they give the same bits, so outputs
//! compare byte for byte. (`sqrt` and the four operations are exactly rounded by IEEE 754 and
//! need no help; Rust does not contract `a * b + c` into a fused multiply-add.)
//!
//! `tests/portable_math.rs` keeps the platform's versions out of the crate.

/// The `libm` versions of the `f64` methods the engine uses.
pub trait Portable {
    fn det_exp(self) -> f64;
    fn det_exp_m1(self) -> f64;
    fn det_ln(self) -> f64;
    fn det_ln_1p(self) -> f64;
    fn det_log10(self) -> f64;
    fn det_powf(self, y: f64) -> f64;
    fn det_sin(self) -> f64;
    fn det_cos(self) -> f64;
}

impl Portable for f64 {
    #[inline]
    fn det_exp(self) -> f64 {
        libm::exp(self)
    }
    #[inline]
    fn det_exp_m1(self) -> f64 {
        libm::expm1(self)
    }
    #[inline]
    fn det_ln(self) -> f64 {
        libm::log(self)
    }
    #[inline]
    fn det_ln_1p(self) -> f64 {
        libm::log1p(self)
    }
    #[inline]
    fn det_log10(self) -> f64 {
        libm::log10(self)
    }
    #[inline]
    fn det_powf(self, y: f64) -> f64 {
        libm::pow(self, y)
    }
    #[inline]
    fn det_sin(self) -> f64 {
        libm::sin(self)
    }
    #[inline]
    fn det_cos(self) -> f64 {
        libm::cos(self)
    }
}
