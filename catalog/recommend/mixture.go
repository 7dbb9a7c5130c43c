package recommend

import (
	"math"
	"math/rand/v2"
)

// Latent classes (Mixture): customers come in a few kinds, each with its
// own taste for every feature, as the ideas of mass customization and the
// histories both say. The model learns MixtureClasses kinds by
// expectation–maximization on the weighted history (undecided features
// are simply missing), then infers the customer's kind from the decisions
// made so far and proposes the open feature's most likely value over the
// kinds: P(v | decided) = Σ_k P(k | decided) P(v | k).
const (
	MixtureClasses    = 8
	mixtureIterations = 40
	mixtureSeed       = 17
)

type mixture struct {
	d     *data
	k     int
	logPi []float64
	// theta[c][f][x] = log P(feature f = x | class c), smoothed.
	theta [][][]float64
}

func newMixture(d *data) *mixture {
	n := len(d.w)
	k := min(MixtureClasses, max(1, n/20))
	m := &mixture{d: d, k: k, logPi: make([]float64, k), theta: make([][][]float64, k)}
	for c := range k {
		m.theta[c] = make([][]float64, len(d.feats))
		for f := range d.feats {
			m.theta[c][f] = make([]float64, len(d.values[f]))
		}
	}
	// Responsibilities start at random (seeded: the same history trains
	// the same model), then EM.
	resp := make([]float64, n*k)
	r := rand.New(rand.NewPCG(mixtureSeed, uint64(n)))
	for i := range n {
		sum := 0.0
		for c := range k {
			resp[i*k+c] = 0.5 + r.Float64()
			sum += resp[i*k+c]
		}
		for c := range k {
			resp[i*k+c] /= sum
		}
	}
	logp := make([]float64, k)
	for it := 0; it < mixtureIterations; it++ {
		m.maximize(resp)
		if it == mixtureIterations-1 {
			break
		}
		for i := range n {
			for c := range k {
				l := m.logPi[c]
				for f := range d.feats {
					if x := d.cols[f][i]; x >= 0 {
						l += m.theta[c][f][x]
					}
				}
				logp[c] = l
			}
			normalizeLogs(logp, resp[i*k:(i+1)*k])
		}
	}
	return m
}

// maximize sets the classes' weights and tastes from the responsibilities,
// with the manufacturer's popularity and Laplace as pseudo-counts.
func (m *mixture) maximize(resp []float64) {
	d, k := m.d, m.k
	mass := make([]float64, k)
	for c := range k {
		for f := range d.feats {
			t := m.theta[c][f]
			for x := range t {
				t[x] = 0
			}
		}
	}
	for i, w := range d.w {
		for c := range k {
			r := resp[i*k+c] * w
			mass[c] += r
			for f := range d.feats {
				if x := d.cols[f][i]; x >= 0 {
					m.theta[c][f][x] += r
				}
			}
		}
	}
	total := 0.0
	for _, x := range mass {
		total += x
	}
	for c := range k {
		m.logPi[c] = math.Log((mass[c] + 1) / (total + float64(k)))
		for f := range d.feats {
			t := m.theta[c][f]
			sum := 0.0
			for x := range t {
				t[x] += d.prior[f][x]/float64(k) + Laplace
				sum += t[x]
			}
			for x := range t {
				t[x] = math.Log(t[x] / sum)
			}
		}
	}
}

// normalizeLogs writes the probabilities of log-weights into out.
func normalizeLogs(logs, out []float64) {
	top := math.Inf(-1)
	for _, l := range logs {
		top = max(top, l)
	}
	sum := 0.0
	for c, l := range logs {
		out[c] = math.Exp(l - top)
		sum += out[c]
	}
	for c := range out {
		out[c] /= sum
	}
}

func (m *mixture) scores(ev []evidence, f int, allowed []bool, out []float64) {
	logs := make([]float64, m.k)
	post := make([]float64, m.k)
	for c := range m.k {
		l := m.logPi[c]
		for _, e := range ev {
			l += m.theta[c][e.f][e.x]
		}
		logs[c] = l
	}
	normalizeLogs(logs, post)
	for x := range out {
		if !allowed[x] {
			continue
		}
		p := 0.0
		for c := range m.k {
			p += post[c] * math.Exp(m.theta[c][f][x])
		}
		out[x] = p
	}
}
