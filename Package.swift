// swift-tools-version:6.0
//
// CollisionSpectrum: the quantum collision operator of the Bethe–Salpeter equation
// (Suslov's symmetry theory, Vollhardt–Wölfle), built on a momentum lattice and
// diagonalized with LAPACK. Layers, each importing only those below it:
//   CLapacke, CFFTW → DenseLinearAlgebra → CollisionOperator → SpectralAnalysis → CollopCLI → collop;
//   CHDF5 → HDF5IO (HDF5 files, no physics) → CollopCLI
import PackageDescription

let package = Package(
    name: "CollisionSpectrum",
    products: [
        .executable(name: "collop", targets: ["collop"]),
        .library(name: "SpectralAnalysis", targets: ["SpectralAnalysis"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/apple/swift-numerics", exact: "1.1.1"),
        .package(url: "https://github.com/LebJe/TOMLKit", exact: "0.6.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based", exact: "2.0.1"),
    ],
    targets: [
        .systemLibrary(
            name: "CLapacke",
            path: "Modules/CLapacke",
            pkgConfig: "lapacke",
            providers: [.apt(["liblapacke-dev", "libopenblas-dev"])]
        ),
        .systemLibrary(
            name: "CFFTW",
            path: "Modules/CFFTW",
            pkgConfig: "fftw3",
            providers: [.apt(["libfftw3-dev"])]
        ),
        .systemLibrary(
            name: "CHDF5",
            path: "Modules/CHDF5",
            pkgConfig: "hdf5-serial",
            providers: [.apt(["libhdf5-dev"])]
        ),
        // A thin Swift layer over the HDF5 C calls collop's output needs; every failure a thrown error.
        .target(name: "HDF5IO", dependencies: ["CHDF5"]),
        .target(
            name: "DenseLinearAlgebra",
            dependencies: [
                "CLapacke",
                "CFFTW",
                .product(name: "Numerics", package: "swift-numerics"),
            ]
        ),
        .target(
            name: "CollisionOperator",
            dependencies: [
                "DenseLinearAlgebra",
                .product(name: "Numerics", package: "swift-numerics"),
            ]
        ),
        .target(
            name: "SpectralAnalysis",
            dependencies: [
                "CollisionOperator",
                "DenseLinearAlgebra",
                .product(name: "Numerics", package: "swift-numerics"),
            ]
        ),
        // Self-consistent theories: Vollhardt–Wölfle (42) and Suslov (112).
        .target(
            name: "Theory",
            dependencies: [
                "CollisionOperator",
                "DenseLinearAlgebra",
                .product(name: "Numerics", package: "swift-numerics"),
            ]
        ),
        // The lattice Anderson model solved exactly: transfer matrices and exact diagonalization.
        .target(
            name: "ExactModel",
            dependencies: [
                "DenseLinearAlgebra",
                .product(name: "Numerics", package: "swift-numerics"),
            ]
        ),
        .target(
            name: "CollopCLI",
            dependencies: [
                "SpectralAnalysis",
                "Theory",
                "ExactModel",
                "CollisionOperator",
                "DenseLinearAlgebra",
                "HDF5IO",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Numerics", package: "swift-numerics"),
                .product(name: "TOMLKit", package: "TOMLKit"),
            ]
        ),
        .executableTarget(name: "collop", dependencies: ["CollopCLI"]),
        // Developer benchmark of the matrix-free operator action (bench/apply.sh); not part of collop.
        .executableTarget(
            name: "collop-bench",
            dependencies: ["CollisionOperator", "DenseLinearAlgebra", .product(name: "Numerics", package: "swift-numerics")],
            path: "bench/collop-bench"
        ),
        .target(
            name: "TestSupport",
            dependencies: ["DenseLinearAlgebra", "CollisionOperator", .product(name: "Numerics", package: "swift-numerics")],
            path: "Tests/TestSupport"
        ),
        .testTarget(
            name: "DenseLinearAlgebraTests",
            dependencies: ["DenseLinearAlgebra", "TestSupport", .product(name: "Numerics", package: "swift-numerics")]
        ),
        .testTarget(
            name: "CollisionOperatorTests",
            dependencies: ["CollisionOperator", "DenseLinearAlgebra", "TestSupport", .product(name: "Numerics", package: "swift-numerics")]
        ),
        .testTarget(
            name: "SpectralAnalysisTests",
            dependencies: ["SpectralAnalysis", "CollisionOperator", "DenseLinearAlgebra", "TestSupport", .product(name: "Numerics", package: "swift-numerics")]
        ),
        .testTarget(
            name: "TheoryTests",
            dependencies: ["Theory", "CollisionOperator", "TestSupport", .product(name: "Numerics", package: "swift-numerics")]
        ),
        .testTarget(
            name: "ExactModelTests",
            dependencies: ["ExactModel", "DenseLinearAlgebra", "TestSupport"]
        ),
        .testTarget(
            name: "CollopCLITests",
            dependencies: ["CollopCLI", "collop", "TestSupport", "HDF5IO"]
        ),
        .testTarget(
            name: "CollopFuzzTests",
            dependencies: ["CollopCLI", "TestSupport", .product(name: "PropertyBased", package: "swift-property-based")]
        ),
    ]
)
