import Glibc

/// The C library's `pow`, the one libm function the interpreter's floats need that Swift's standard library
/// lacks (`+ - * /`, `sqrt`, `truncatingRemainder` (fmod) and `rounded` are in it). Here because only LabOS
/// imports Glibc.
public enum FloatMath {
    /// `pow(x, y)` as C computes it (correctly signed zeros, infinities, NaN).
    public static func pow(_ x: Double, _ y: Double) -> Double { Glibc.pow(x, y) }
}
