/*
 * hash.c: SHA-256 (FIPS 180-4) for the import log's content hashes, and
 * 64-bit FNV-1a for message identity keys.  Every byte an import reads is
 * hashed, so on x86-64 processors with the SHA extensions the blocks go
 * through those instructions, about eight times faster than the portable
 * code, which the others use.
 */
#include <stdint.h>
#include <string.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define HAVE_SHANI 1
#include <cpuid.h>
#include <immintrin.h>
#endif

#include "internal.h"

static const uint32_t K[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
	0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
	0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
	0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
	0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
	0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
};

#define ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void
compress_one(uint32_t h[8], const unsigned char *p)
{
	uint32_t w[64], a, b, c, d, e, f, g, k, t1, t2;
	int i;

	for (i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		    (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
	for (i = 16; i < 64; i++)
		w[i] = w[i - 16] + (ROR(w[i - 15], 7) ^ ROR(w[i - 15], 18) ^
		    (w[i - 15] >> 3)) + w[i - 7] + (ROR(w[i - 2], 17) ^
		    ROR(w[i - 2], 19) ^ (w[i - 2] >> 10));
	a = h[0]; b = h[1]; c = h[2]; d = h[3];
	e = h[4]; f = h[5]; g = h[6]; k = h[7];
	for (i = 0; i < 64; i++) {
		t1 = k + (ROR(e, 6) ^ ROR(e, 11) ^ ROR(e, 25)) +
		    ((e & f) ^ (~e & g)) + K[i] + w[i];
		t2 = (ROR(a, 2) ^ ROR(a, 13) ^ ROR(a, 22)) +
		    ((a & b) ^ (a & c) ^ (b & c));
		k = g; g = f; f = e; e = d + t1;
		d = c; c = b; b = a; a = t1 + t2;
	}
	h[0] += a; h[1] += b; h[2] += c; h[3] += d;
	h[4] += e; h[5] += f; h[6] += g; h[7] += k;
}

static void
compress_portable(uint32_t h[8], const unsigned char *p, size_t n_blocks)
{
	for (; n_blocks > 0; n_blocks--, p += 64)
		compress_one(h, p);
}

#ifdef HAVE_SHANI
/*
 * The SHA extensions: each sha256rnds2 does two rounds on the state held
 * as ABEF and CDGH, and sha256msg1/msg2 extend the message schedule four
 * words at a time (Intel, "New Instructions Supporting the Secure Hash
 * Algorithm on Intel Architecture Processors", 2013).
 */
__attribute__((target("sha,sse4.1"))) static void
compress_shani(uint32_t h[8], const unsigned char *p, size_t n_blocks)
{
	const __m128i swap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL,
	    0x0405060700010203ULL);
	__m128i abef, cdgh, abef0, cdgh0, w[4], t;
	int i;

	t = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&h[0]), 0xb1);
	cdgh = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&h[4]),
	    0x1b);
	abef = _mm_alignr_epi8(t, cdgh, 8);
	cdgh = _mm_blend_epi16(cdgh, t, 0xf0);
	for (; n_blocks > 0; n_blocks--, p += 64) {
		abef0 = abef;
		cdgh0 = cdgh;
		for (i = 0; i < 4; i++)
			w[i] = _mm_shuffle_epi8(_mm_loadu_si128(
			    (const __m128i *)(p + 16 * i)), swap);
		/* Words 4i..4i+3 are in w[i % 4] when round 4i comes. */
		for (i = 0; i < 16; i++) {
			t = _mm_add_epi32(w[i & 3],
			    _mm_loadu_si128((const __m128i *)&K[4 * i]));
			cdgh = _mm_sha256rnds2_epu32(cdgh, abef, t);
			abef = _mm_sha256rnds2_epu32(abef, cdgh,
			    _mm_shuffle_epi32(t, 0x0e));
			if (i >= 12)
				continue;
			t = _mm_add_epi32(_mm_sha256msg1_epu32(w[i & 3],
			    w[(i + 1) & 3]), _mm_alignr_epi8(w[(i + 3) & 3],
			    w[(i + 2) & 3], 4));
			w[i & 3] = _mm_sha256msg2_epu32(t, w[(i + 3) & 3]);
		}
		abef = _mm_add_epi32(abef, abef0);
		cdgh = _mm_add_epi32(cdgh, cdgh0);
	}
	t = _mm_shuffle_epi32(abef, 0x1b);
	cdgh = _mm_shuffle_epi32(cdgh, 0xb1);
	_mm_storeu_si128((__m128i *)&h[0], _mm_blend_epi16(t, cdgh, 0xf0));
	_mm_storeu_si128((__m128i *)&h[4], _mm_alignr_epi8(cdgh, t, 8));
}

/* Whether the processor has the SHA extensions (CPUID leaf 7, EBX 29). */
static int
has_shani(void)
{
	unsigned int a, b, c, d;

	if (!__get_cpuid_count(7, 0, &a, &b, &c, &d))
		return 0;
	return (b >> 29) & 1;
}
#endif

static void
compress(const struct sha256 *s, uint32_t h[8], const unsigned char *p,
    size_t n_blocks)
{
#ifdef HAVE_SHANI
	if (s->fast) {
		compress_shani(h, p, n_blocks);
		return;
	}
#endif
	(void)s;
	compress_portable(h, p, n_blocks);
}

void
sha256_init(struct sha256 *s)
{
	static const uint32_t init[8] = {
		0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
		0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19
	};

	memcpy(s->h, init, sizeof(init));
	s->n = 0;
	s->used = 0;
#ifdef HAVE_SHANI
	s->fast = has_shani();
#else
	s->fast = 0;
#endif
}

void
sha256_update(struct sha256 *s, const void *data, size_t n)
{
	const unsigned char *p = data;
	size_t take;

	s->n += n;
	if (s->used > 0) {
		take = 64 - s->used;
		if (take > n)
			take = n;
		memcpy(s->block + s->used, p, take);
		s->used += take;
		p += take;
		n -= take;
		if (s->used < 64)
			return;
		compress(s, s->h, s->block, 1);
		s->used = 0;
	}
	/* Whole blocks straight from the caller's bytes. */
	compress(s, s->h, p, n / 64);
	p += n / 64 * 64;
	n %= 64;
	memcpy(s->block, p, n);
	s->used = n;
}

void
sha256_final_hex(struct sha256 *s, char hex[65])
{
	static const char digits[] = "0123456789abcdef";
	uint64_t bits = s->n * 8;
	unsigned char pad = 0x80, len[8];
	int i;

	for (i = 0; i < 8; i++)
		len[i] = (unsigned char)(bits >> (56 - 8 * i));
	sha256_update(s, &pad, 1);
	pad = 0;
	while (s->used != 56)
		sha256_update(s, &pad, 1);
	sha256_update(s, len, 8);
	for (i = 0; i < 32; i++) {
		unsigned char byte;

		byte = (unsigned char)(s->h[i / 4] >> (24 - 8 * (i % 4)));
		hex[2 * i] = digits[byte >> 4];
		hex[2 * i + 1] = digits[byte & 15];
	}
	hex[64] = '\0';
}

uint64_t
hash64(uint64_t h, const void *data, size_t n)
{
	const unsigned char *p = data;

	while (n-- > 0) {
		h ^= *p++;
		h *= UINT64_C(1099511628211);
	}
	return h;
}
