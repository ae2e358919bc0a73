//===- Hadamard.cpp - Hadamard matrices of the supported sizes ------------===//

#include "resq/numerics/Hadamard.h"
#include "resq/numerics/HadamardSize.h"
#include "resq/numerics/RandomSigns.h"

#include <cassert>
#include <cmath>
#include <optional>
#include <string_view>
#include <vector>

namespace resq::numerics {

namespace {

using IntMatrix = Eigen::Matrix<int64_t, Eigen::Dynamic, Eigen::Dynamic>;

/// q = p^e with p prime, or nullopt.
struct PrimePower {
  int64_t p;
  int64_t e;
};

std::optional<PrimePower> asPrimePower(int64_t q) {
  if (q < 2)
    return std::nullopt;
  int64_t p = 2;
  while (q % p != 0)
    ++p;
  int64_t e = 0;
  for (; q % p == 0; q /= p)
    ++e;
  if (q != 1)
    return std::nullopt;
  return PrimePower{p, e};
}

/// GF(p^e), elements numbered 0..q-1 by their coefficients in base p
/// (digit i is the coefficient of x^i modulo a monic irreducible of degree
/// e). Only what Paley needs: subtraction and the quadratic character.
class FiniteField {
public:
  explicit FiniteField(PrimePower pp) : p(pp.p), e(pp.e) {
    q = 1;
    for (int64_t i = 0; i < e; ++i)
      q *= p;
    modulus = findIrreducible();
    character.assign(q, -1);
    character[0] = 0;
    for (int64_t x = 1; x < q; ++x)
      character[multiply(x, x)] = 1;
  }

  int64_t size() const { return q; }

  int64_t subtract(int64_t a, int64_t b) const {
    std::vector<int64_t> da = digits(a), db = digits(b);
    for (int64_t i = 0; i < e; ++i)
      da[i] = ((da[i] - db[i]) % p + p) % p;
    return number(da);
  }

  /// Legendre symbol generalized to GF(q): 0, +1 (square) or -1.
  int quadraticCharacter(int64_t a) const { return character[a]; }

private:
  std::vector<int64_t> digits(int64_t a) const {
    std::vector<int64_t> d(e);
    for (int64_t i = 0; i < e; ++i, a /= p)
      d[i] = a % p;
    return d;
  }

  int64_t number(const std::vector<int64_t> &d) const {
    int64_t a = 0;
    for (int64_t i = e - 1; i >= 0; --i)
      a = a * p + d[i];
    return a;
  }

  /// Coefficients c_0..c_(e-1) of x^e = -(c_0 + ... + c_(e-1) x^(e-1)): the
  /// first monic polynomial without a root in GF(p), which for e <= 3 means
  /// irreducible (the table's prime powers have e <= 3).
  std::vector<int64_t> findIrreducible() const {
    assert(e <= 3 && "root test proves irreducibility only up to degree 3");
    std::vector<int64_t> c(e, 0);
    if (e == 1)
      return c;
    for (int64_t code = 0;; ++code) {
      int64_t rest = code;
      for (int64_t i = 0; i < e; ++i, rest /= p)
        c[i] = rest % p;
      if (!hasRoot(c))
        return c;
    }
  }

  bool hasRoot(const std::vector<int64_t> &c) const {
    for (int64_t x = 0; x < p; ++x) {
      int64_t value = 1;
      for (int64_t i = e - 1; i >= 0; --i)
        value = (value * x + c[i]) % p;
      if (value == 0)
        return true;
    }
    return false;
  }

  int64_t multiply(int64_t a, int64_t b) const {
    std::vector<int64_t> da = digits(a), db = digits(b);
    std::vector<int64_t> product(2 * e, 0);
    for (int64_t i = 0; i < e; ++i)
      for (int64_t j = 0; j < e; ++j)
        product[i + j] = (product[i + j] + da[i] * db[j]) % p;
    // Reduce from the top with x^e = -sum c_i x^i.
    for (int64_t d = 2 * e - 1; d >= e; --d) {
      int64_t top = product[d];
      product[d] = 0;
      for (int64_t i = 0; i < e; ++i)
        product[d - e + i] =
            ((product[d - e + i] - top * modulus[i]) % p + p) % p;
    }
    product.resize(e);
    return number(product);
  }

  int64_t p, e, q;
  std::vector<int64_t> modulus;
  std::vector<int> character;
};

/// Jacobsthal matrix Q_ab = chi(a - b) of GF(q).
IntMatrix jacobsthal(const FiniteField &field) {
  int64_t q = field.size();
  IntMatrix m(q, q);
  for (int64_t a = 0; a < q; ++a)
    for (int64_t b = 0; b < q; ++b)
      m(a, b) = field.quadraticCharacter(field.subtract(a, b));
  return m;
}

/// Paley's conference matrix [[0, 1^T], [sign * 1, Q]] of order q + 1.
IntMatrix conference(const FiniteField &field, int64_t sign) {
  int64_t q = field.size();
  IntMatrix c(q + 1, q + 1);
  c(0, 0) = 0;
  c.block(0, 1, 1, q).setOnes();
  c.block(1, 0, q, 1).setConstant(sign);
  c.block(1, 1, q, q) = jacobsthal(field);
  return c;
}

/// Paley I: q = 3 mod 4 makes the conference matrix C skew, and I + C is
/// Hadamard of order q + 1.
std::optional<IntMatrix> paleyOne(int64_t k) {
  auto pp = asPrimePower(k - 1);
  if (!pp || (k - 1) % 4 != 3)
    return std::nullopt;
  IntMatrix c = conference(FiniteField(*pp), -1);
  return IntMatrix(c + IntMatrix::Identity(k, k));
}

/// Paley II: q = 1 mod 4 makes C symmetric, and C (x) [[1, 1], [1, -1]] +
/// I (x) [[1, -1], [-1, -1]] is Hadamard of order 2 (q + 1).
std::optional<IntMatrix> paleyTwo(int64_t k) {
  if (k % 2 != 0)
    return std::nullopt;
  auto pp = asPrimePower(k / 2 - 1);
  if (!pp || (k / 2 - 1) % 4 != 1)
    return std::nullopt;
  IntMatrix c = conference(FiniteField(*pp), 1);
  int64_t half = k / 2;
  IntMatrix h(k, k);
  for (int64_t i = 0; i < half; ++i)
    for (int64_t j = 0; j < half; ++j) {
      int64_t s = c(i, j);
      if (s == 0) {
        h.block(2 * i, 2 * j, 2, 2) << 1, -1, -1, -1;
        continue;
      }
      h.block(2 * i, 2 * j, 2, 2) << s, s, s, -s;
    }
  return h;
}

/// First rows of four symmetric circulant +-1 matrices A, B, C, D of order n
/// with A^2 + B^2 + C^2 + D^2 = 4n I (Williamson matrices), '+' for +1.
/// Order 43: M. Hall, Combinatorial Theory (2nd ed., 1983); order 39:
/// S. London, PhD thesis (2013). No Paley construction reaches 4 * 43 = 172 or
/// 4 * 39 = 156; the exact test of H H^T = K I guards the transcription.
struct WilliamsonRows {
  int64_t order;
  std::string_view rows[4];
};

constexpr WilliamsonRows kWilliamsonRows[] = {
    {39,
     {"+++--+-+-----+--++----++--+-----+-+--++",
      "+++--++-+---+-+--+----+--+-+---+-++--++",
      "++++---+--++----+-+--+-+----++--+---+++",
      "+---++-+-+-----+++-++-+++-----+-+-++---"}},
    {43,
     {"++---++++-+--+--++--------++--+--+-++++---+",
      "+++-+-++--+-+-++++-+----+-++++-+-+--++-+-++",
      "++-++++++----+-+--++-++-++--+-+----++++++-+",
      "+---++--++++-+-+++-++--++-+++-+-++++--++---"}},
};

IntMatrix circulant(std::string_view firstRow) {
  int64_t n = firstRow.size();
  IntMatrix m(n, n);
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < n; ++j)
      m(i, j) = firstRow[(j - i + n) % n] == '+' ? 1 : -1;
  return m;
}

/// Williamson's array [[A, B, C, D], [-B, A, -D, C], [-C, D, A, -B],
/// [-D, -C, B, A]], Hadamard because the blocks commute and are symmetric.
std::optional<IntMatrix> williamson(int64_t k) {
  for (const WilliamsonRows &w : kWilliamsonRows) {
    if (4 * w.order != k)
      continue;
    IntMatrix blocks[4];
    for (int b = 0; b < 4; ++b)
      blocks[b] = circulant(w.rows[b]);
    // Row r of the array: block index and sign of each block column.
    constexpr int kArray[4][4] = {
        {1, 2, 3, 4}, {-2, 1, -4, 3}, {-3, 4, 1, -2}, {-4, -3, 2, 1}};
    int64_t n = w.order;
    IntMatrix h(k, k);
    for (int r = 0; r < 4; ++r)
      for (int c = 0; c < 4; ++c) {
        int entry = kArray[r][c];
        int sign = entry < 0 ? -1 : 1;
        h.block(r * n, c * n, n, n) = sign * blocks[sign * entry - 1];
      }
    return h;
  }
  return std::nullopt;
}

std::optional<IntMatrix> buildHadamard(int64_t k) {
  if (k == 1)
    return IntMatrix::Ones(1, 1);
  if (auto h = paleyOne(k))
    return h;
  if (auto h = paleyTwo(k))
    return h;
  if (auto h = williamson(k))
    return h;
  if (k % 2 != 0)
    return std::nullopt;
  // Sylvester doubling [[H, H], [H, -H]].
  auto half = buildHadamard(k / 2);
  if (!half)
    return std::nullopt;
  int64_t m = k / 2;
  IntMatrix h(k, k);
  h.topLeftCorner(m, m) = *half;
  h.topRightCorner(m, m) = *half;
  h.bottomLeftCorner(m, m) = *half;
  h.bottomRightCorner(m, m) = -*half;
  return h;
}

[[maybe_unused]] bool isTableFactor(int64_t k) {
  for (int64_t factor : kHadamardFactors)
    if (factor == k)
      return true;
  return false;
}

} // namespace

Eigen::MatrixXd hadamardFactor(int64_t k) {
  assert(isTableFactor(k) && "not a supported Hadamard factor");
  std::optional<IntMatrix> h = buildHadamard(k);
  assert(h && "every table factor has a construction");
  return h->cast<double>();
}

Eigen::MatrixXd sylvesterHadamard(int64_t log2Size) {
  int64_t n = int64_t(1) << log2Size;
  Eigen::MatrixXd h(n, n);
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < n; ++j)
      h(i, j) = __builtin_popcountll(uint64_t(i & j)) % 2 ? -1.0 : 1.0;
  return h;
}

Eigen::MatrixXd hadamardMatrix(int64_t n) {
  auto size = factorHadamardSize(n);
  assert(size && "no supported Hadamard factor for this size");
  Eigen::MatrixXd hk = hadamardFactor(size->factor);
  Eigen::MatrixXd hp = sylvesterHadamard(size->log2PowerOfTwo);
  int64_t p = hp.rows();
  Eigen::MatrixXd h(n, n);
  for (int64_t a = 0; a < size->factor; ++a)
    for (int64_t c = 0; c < size->factor; ++c)
      h.block(a * p, c * p, p, p) = hk(a, c) * hp;
  return h;
}

Eigen::MatrixXd randomizedHadamard(int64_t n, int64_t seed) {
  Eigen::MatrixXd q = hadamardMatrix(n) / std::sqrt(double(n));
  for (int64_t j = 0; j < n; ++j)
    if (randomSign(seed, j) < 0)
      q.row(j) = -q.row(j);
  return q;
}

} // namespace resq::numerics
