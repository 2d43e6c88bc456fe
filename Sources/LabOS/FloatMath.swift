import Glibc

/// The C library's maths functions the interpreter's floats need that Swift's standard library lacks (`+ - * /`,
/// `sqrt`, `truncatingRemainder` (fmod) and `rounded` are in it): `pow` for `**`, and the functions of Python's
/// `math` module, which CPython also takes from libm. Here because only LabOS imports Glibc.
public enum FloatMath {
    /// `pow(x, y)` as C computes it (correctly signed zeros, infinities, NaN).
    public static func pow(_ x: Double, _ y: Double) -> Double { Glibc.pow(x, y) }

    /// A one-argument libm function by its C name (nil for a name that is not one).
    public static func unary(_ name: String) -> (@Sendable (Double) -> Double)? {
        switch name {
        case "exp": return { Glibc.exp($0) }
        case "exp2": return { Glibc.exp2($0) }
        case "expm1": return { Glibc.expm1($0) }
        case "log": return { Glibc.log($0) }
        case "log2": return { Glibc.log2($0) }
        case "log10": return { Glibc.log10($0) }
        case "log1p": return { Glibc.log1p($0) }
        case "sin": return { Glibc.sin($0) }
        case "cos": return { Glibc.cos($0) }
        case "tan": return { Glibc.tan($0) }
        case "asin": return { Glibc.asin($0) }
        case "acos": return { Glibc.acos($0) }
        case "atan": return { Glibc.atan($0) }
        case "sinh": return { Glibc.sinh($0) }
        case "cosh": return { Glibc.cosh($0) }
        case "tanh": return { Glibc.tanh($0) }
        case "asinh": return { Glibc.asinh($0) }
        case "acosh": return { Glibc.acosh($0) }
        case "atanh": return { Glibc.atanh($0) }
        case "cbrt": return { Glibc.cbrt($0) }
        case "erf": return { Glibc.erf($0) }
        case "erfc": return { Glibc.erfc($0) }
        case "gamma": return { Glibc.tgamma($0) }
        case "lgamma": return { Glibc.lgamma($0) }
        default: return nil
        }
    }

    /// A two-argument libm function by its C name (nil for a name that is not one).
    public static func binary(_ name: String) -> (@Sendable (Double, Double) -> Double)? {
        switch name {
        case "atan2": return { Glibc.atan2($0, $1) }
        case "hypot": return { Glibc.hypot($0, $1) }
        case "fmod": return { Glibc.fmod($0, $1) }
        case "remainder": return { Glibc.remainder($0, $1) }
        case "copysign": return { Glibc.copysign($0, $1) }
        case "pow": return { Glibc.pow($0, $1) }
        default: return nil
        }
    }
}
