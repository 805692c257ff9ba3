import type { Random } from './random.js'

/** Macros the generated `site.yaml` defines; formulas use them now and then. */
export const benchMacros: Readonly<Record<string, string>> = Object.freeze({
  '\\E': '\\mathbb{E}',
  '\\R': '\\mathbb{R}',
  '\\KL': '\\mathrm{KL}'
})

const latin = ['a', 'b', 'c', 'f', 'g', 'h', 'k', 'm', 'n', 'p', 'q', 'r', 's', 'u', 'v', 'w', 'x', 'y', 'z']
const latinUpper = ['A', 'B', 'C', 'D', 'F', 'G', 'H', 'K', 'L', 'M', 'N', 'P', 'Q', 'R', 'S', 'T', 'U', 'V', 'W', 'X', 'Y', 'Z']
const greek = [
  '\\alpha', '\\beta', '\\gamma', '\\delta', '\\epsilon', '\\varepsilon', '\\zeta', '\\eta', '\\theta', '\\vartheta', '\\kappa',
  '\\lambda', '\\mu', '\\nu', '\\xi', '\\pi', '\\rho', '\\sigma', '\\tau', '\\phi', '\\varphi', '\\chi', '\\psi', '\\omega'
]
const greekUpper = ['\\Gamma', '\\Delta', '\\Theta', '\\Lambda', '\\Xi', '\\Pi', '\\Sigma', '\\Phi', '\\Psi', '\\Omega']
const indices = ['i', 'j', 'k', 't', 'l', 'n', 'm', 's']
const bounds = ['n', 'N', 'T', 'K', 'L', 'M', 'd', 'B', 'H']
const decorations = ['\\hat', '\\tilde', '\\bar', '\\dot']
const functions = ['f', 'g', 'h', '\\phi', '\\psi', '\\sigma', 'F', 'G', '\\pi', 'q', 'p']
const named = ['\\log', '\\exp', '\\tanh', '\\cos', '\\sin', '\\operatorname{ReLU}', '\\operatorname{softmax}', '\\operatorname{tr}', '\\det', '\\operatorname{GELU}']
const relations = ['=', '=', '=', '\\le', '\\ge', '\\approx', '\\propto', '\\coloneqq', '\\triangleq', '\\lesssim']
const sets = ['\\mathcal{D}', '\\mathcal{X}', '\\mathcal{Y}', '\\mathcal{S}', '\\mathcal{H}', '\\mathcal{Z}', '\\Omega']
const distributions = ['p', 'q', 'p_{\\theta}', 'q_{\\phi}', '\\pi', '\\mathcal{D}', 'p_{\\mathrm{data}}', '\\rho', '\\mu']

/**
 * Random, well-formed KaTeX formulas built from a small grammar: symbols with decorations and
 * sub- and superscripts, fractions, roots, norms, sums, expectations, matrices, cases and aligned
 * equations. Every formula balances its braces and environments, so KaTeX renders all of them.
 */
export class MathGenerator {
  readonly #r: Random

  constructor(random: Random) {
    this.#r = random
  }

  /** A short inline formula: a symbol, a complexity, a membership, a small equation. */
  inline(): string {
    const r = this.#r
    switch (r.int(0, 13)) {
      case 0:
        return this.symbol()
      case 1:
        return `${this.symbol()} = ${this.number()}`
      case 2:
        return `${this.vector()} \\in ${this.space()}`
      case 3:
        return `O(${this.complexity()})`
      case 4:
        return `${this.fn()}(${this.vector()}; ${this.greekSym()})`
      case 5:
        return `${r.pick(distributions)}(${this.symbol()} \\mid ${this.symbol()})`
      case 6:
        return `\\|${this.vector()}\\|_{${r.pick(['1', '2', '\\infty', 'F', 'p'])}}`
      case 7:
        return `${this.symbol()} \\sim \\mathcal{N}(${this.symbol()}, ${this.greekSym()}^2 I)`
      case 8:
        return `\\nabla_{${this.greekSym()}} ${this.loss()}`
      case 9:
        return `${this.symbol()} ${r.pick(['<', '>', '\\le', '\\ge', '\\ll', '\\gg'])} ${this.term(0)}`
      case 10:
        return `\\frac{${this.atom(0)}}{${this.atom(0)}}`
      case 11:
        return `${this.matrix()} \\in ${r.pick(['\\R', '\\mathbb{R}', '\\mathbb{C}'])}^{${r.pick(bounds)} \\times ${r.pick(bounds)}}`
      case 12:
        return `${r.pick(['\\ell_1', '\\ell_2', '\\ell_\\infty', 'L^2', 'H^1'])}`
      default:
        return `${this.symbol()} = ${this.expression(1)}`
    }
  }

  /** A formula for a table cell: no `|`, which would split the cell. */
  cell(): string {
    const r = this.#r
    switch (r.int(0, 3)) {
      case 0:
        return `${this.symbol()} = ${this.number()}`
      case 1:
        return `${r.pick(bounds)} = ${r.pick(['16', '32', '64', '128', '256', '512', '1024'])}`
      case 2:
        return `O(${this.complexity()})`
      default:
        return this.symbol()
    }
  }

  /** A display formula: an objective, an update rule, a bound, a definition, a matrix… */
  display(): string {
    const r = this.#r
    switch (r.int(0, 14)) {
      case 0:
        return `${this.loss()} = ${this.expectation(this.expression(2))} + ${this.greekSym()} \\|${this.greekSym()}\\|_2^2`
      case 1: {
        const p = this.greekSym()
        return `${p}_{t+1} = ${p}_{t} - ${r.pick(['\\eta', '\\alpha', '\\eta_t', '\\gamma_t'])} ${r.pick(['', '\\frac{1}{B} \\sum_{i=1}^{B} '])}\\nabla_{${p}} ${this.loss()}(${p}_{t})`
      }
      case 2:
        return `${this.symbol()} ${r.pick(relations)} \\sum_{${r.pick(indices)}=${r.pick(['0', '1'])}}^{${r.pick(bounds)}} ${this.term(2)}`
      case 3: {
        const a = this.symbol()
        const j = r.pick(['j', 'k', 'l'])
        return `{${this.symbol()}}_{${r.pick(['i', 't'])}} = \\frac{\\exp\\left({${a}}_{${j}} / ${r.pick(['\\tau', 'T', '\\sqrt{d}'])}\\right)}{\\sum_{${j}'=1}^{${r.pick(bounds)}} \\exp\\left({${a}}_{${j}'} / ${r.pick(['\\tau', 'T', '\\sqrt{d}'])}\\right)}`
      }
      case 4: {
        const x = r.pick(['x', '\\mathbf{x}', 'y', 'o']) + r.pick(['', '', '_{i}', '_{n}', '_{t}', '_{1:T}'])
        const z = r.pick(['z', '\\mathbf{z}', 'h', 'u', 's', '\\omega']) + r.pick(['', '', '_{i}', '_{t}', '_{\\le t}'])
        const q = r.pick(['q', 'q_{\\phi}', 'r', 'q_{\\lambda}'])
        const p = r.pick(['p', 'p_{\\theta}', 'p_{\\psi}'])
        const beta = r.chance(0.4) ? `${r.pick(['\\beta', '\\lambda', r.decimal(0.1, 4, 1)])} \\, ` : ''
        return `\\log ${p}(${x}) \\ge ${r.pick(['\\E', '\\mathbb{E}'])}_{${q}(${z} \\mid ${x})}\\left[\\log ${p}(${x} \\mid ${z})\\right] - ${beta}${r.pick(['\\KL', 'D_{\\mathrm{KL}}'])}\\left(${q}(${z} \\mid ${x}) \\,\\|\\, ${p}(${z})\\right)`
      }
      case 5:
        return `${this.matrix()} = ${this.matrixLiteral()}`
      case 6: {
        const p = this.greekSym()
        return `${p}^{\\ast} = \\arg\\${r.pick(['min', 'max'])}_{${p} \\in ${r.pick([...greekUpper, ...sets])}} ${this.expression(2)}`
      }
      case 7: {
        const x = this.symbol()
        const z = r.pick(['z', 'u', 'w', '\\xi'])
        return `${r.pick(distributions)}(${x}) = \\int_{${r.pick(sets)}} ${r.pick(distributions)}(${x} \\mid ${z}) \\, ${r.pick(distributions)}(${z}) \\, d${z}`
      }
      case 8:
        return `\\begin{aligned} ${this.symbol()} &= ${this.expression(1)} \\\\ ${this.symbol()} &= ${this.expression(2)}${r.chance(0.4) ? ` \\\\ ${this.symbol()} &${r.pick(relations)} ${this.expression(1)}` : ''} \\end{aligned}`
      case 9: {
        const x = r.pick(['x', 'u', 's', 'z'])
        return `${this.fn()}(${x}) = \\begin{cases} ${this.expression(1)} & \\text{if } ${x} ${r.pick(['>', '\\ge', '<'])} ${this.atom(0)}, \\\\ ${this.expression(1)} & \\text{otherwise.} \\end{cases}`
      }
      case 10: {
        const eps = r.pick(['\\epsilon', '\\varepsilon', 't', '\\delta'])
        return `\\Pr\\left[\\left|${this.symbol()} - ${r.pick(['\\mu', '\\E[X]', '\\bar{X}_n'])}\\right| \\ge ${eps}\\right] \\le ${r.int(2, 4)} \\exp\\left(-\\frac{${r.int(2, 3)} ${r.pick(bounds)} ${eps}^2}{${this.atom(0)}}\\right)`
      }
      case 11: {
        const h = r.pick(['h', '\\mathbf{h}', 'z', 'x'])
        return `\\frac{d ${h}(t)}{dt} = ${this.fn()}\\left(${h}(t), t; ${this.greekSym()}\\right)${r.chance(0.5) ? `, \\quad ${h}(0) = ${this.symbol()}` : ''}`
      }
      case 12: {
        const h = r.pick(['', '', '_{h}', '_{i}', '^{(l)}', '^{(h)}'])
        const [Q, K, V] = [`Q${h}`, `K${h}`, `V${h}`]
        const name = r.pick(['\\mathrm{Attention}', '\\operatorname{Attn}', 'A', '\\mathrm{head}'])
        const bias = r.pick(['', '', ' + M', ' + B', ` + ${this.matrix()}`, ' + \\log \\Pi'])
        const scores = r.pick([`${Q} {${K}}^{\\top}`, `${Q} W {${K}}^{\\top}`, `${Q} {(${K} W_K)}^{\\top}`])
        const scale = r.pick(['\\sqrt{d_k}', '\\sqrt{d}', '\\tau', '\\sqrt{d / H}'])
        return `${name}(${Q}, ${K}, ${V}) = \\operatorname{softmax}\\left(\\frac{${scores}${bias}}{${scale}}\\right) ${r.pick([V, `${V} W_O`, `${V} + ${this.matrix()}`])}`
      }
      case 13:
        return `${this.loss()} = -\\frac{1}{${r.pick(bounds)}} \\sum_{${r.pick(indices)}=1}^{${r.pick(bounds)}} ${r.pick(['\\log', ''])} ${this.term(2)}`
      default:
        return `${this.term(1)} ${r.pick(relations)} ${this.expression(2)}`
    }
  }

  /** A math fragment for a title, such as `$\ell_1$` or `$O(n \log n)$`. */
  title(): string {
    const r = this.#r
    switch (r.int(0, 4)) {
      case 0:
        return r.pick(['\\ell_1', '\\ell_2', '\\ell_\\infty', 'L^p', 'k', 'f', '\\beta', '\\lambda'])
      case 1:
        return `O(${this.complexity()})`
      case 2:
        return this.greekSym()
      case 3:
        return `${r.pick(['\\mathbb{R}', '\\R', '\\mathbb{Z}', '\\mathbb{C}'])}^{${r.pick(bounds)}}`
      default:
        return this.symbol()
    }
  }

  // ── pieces ──────────────────────────────────────────────────────────────────────────────

  private greekSym(): string {
    return this.#r.pick(greek)
  }

  private subscript(): string {
    const r = this.#r
    return r.pick(['i', 'j', 't', 'k', 't+1', 't-1', 'ij', 'i,j', '0', '1', 'n', '\\ell', 'T', '\\mathrm{in}', '\\mathrm{out}', 'k-1', '\\theta', 'c'])
  }

  private superscript(): string {
    return this.#r.pick(['2', '\\top', '\\ast', '(k)', '(l)', '-1', '\\prime', 'n', '(t)', '1/2', 'T'])
  }

  /** A scalar symbol, sometimes decorated, with a subscript or superscript now and then. */
  symbol(): string {
    const r = this.#r
    let base = r.chance(0.45) ? r.pick(latin) : r.chance(0.85) ? r.pick(greek) : r.pick([...greekUpper, ...latinUpper])
    if (r.chance(0.15)) base = `${r.pick(decorations)}{${base}}`
    if (r.chance(0.45)) base += `_{${this.subscript()}}`
    if (r.chance(0.15)) base += `^{${this.superscript()}}`
    return base
  }

  private vector(): string {
    const r = this.#r
    const v = r.chance(0.6) ? `\\mathbf{${r.pick(latin)}}` : `\\boldsymbol{${r.pick(greek)}}`
    return r.chance(0.35) ? `${v}_{${this.subscript()}}` : v
  }

  private matrix(): string {
    const r = this.#r
    const m = r.chance(0.5) ? r.pick(latinUpper) : r.chance(0.5) ? `\\mathbf{${r.pick(latinUpper)}}` : r.pick(greekUpper)
    return r.chance(0.4) ? `${m}_{${this.subscript()}}` : m
  }

  private space(): string {
    const r = this.#r
    const field = r.pick(['\\R', '\\mathbb{R}', '\\mathbb{R}', '\\mathbb{C}', '\\mathbb{Z}'])
    return r.chance(0.5) ? `${field}^{${r.pick(bounds)}}` : `${field}^{${r.pick(bounds)} \\times ${r.pick(bounds)}}`
  }

  private fn(): string {
    return this.#r.pick(functions)
  }

  private loss(): string {
    const r = this.#r
    return r.pick(['\\mathcal{L}', 'L', '\\mathcal{J}', 'J', '\\mathcal{R}', '\\ell']) + (r.chance(0.3) ? `_{${r.pick(['\\mathrm{CE}', '\\mathrm{KD}', '\\mathrm{rec}', '\\mathrm{adv}', '\\mathrm{reg}', 'n', '\\mathrm{ELBO}'])}}` : '')
  }

  private complexity(): string {
    const r = this.#r
    const a = r.pick(bounds)
    const b = r.pick(['n', 'd', 'k', 'm'])
    return r.pick([`${a}`, `${a}^2`, `${a} \\log ${a}`, `${a} ${b}`, `${a}^2 ${b}`, `${a} + ${b}`, `${a} ${b}^2`, `\\sqrt{${a}}`, `${a}^{3/2}`, `\\log ${a}`])
  }

  private number(): string {
    const r = this.#r
    switch (r.int(0, 4)) {
      case 0:
        return String(r.int(0, 99))
      case 1:
        return r.decimal(0, 1, r.int(1, 3))
      case 2:
        return `10^{-${r.int(1, 9)}}`
      case 3:
        return `\\tfrac{${r.int(1, 9)}}{${r.int(2, 12)}}`
      default:
        return `${r.int(1, 9)} \\times 10^{${r.int(-6, 6)}}`
    }
  }

  /** A symbol, a vector, a number, a function of something, or a bracketed expression. */
  atom(depth: number): string {
    const r = this.#r
    const k = r.int(0, depth > 0 ? 6 : 3)
    switch (k) {
      case 0:
        return this.symbol()
      case 1:
        return this.vector()
      case 2:
        return r.chance(0.5) ? this.number() : this.symbol()
      case 3:
        return `${this.fn()}(${this.symbol()})`
      case 4:
        return `${r.pick(named)}\\left(${this.expression(depth - 1)}\\right)`
      case 5:
        return `\\left(${this.expression(depth - 1)}\\right)^{${this.superscript()}}`
      default:
        return `${this.fn()}\\left(${this.expression(depth - 1)}\\right)`
    }
  }

  /** An atom, or a construct over smaller expressions: fraction, root, norm, sum, expectation… */
  term(depth: number): string {
    const r = this.#r
    if (depth <= 0) return this.atom(0)
    switch (r.int(0, 11)) {
      case 0:
        return `\\frac{${this.expression(depth - 1)}}{${this.expression(depth - 1)}}`
      case 1:
        return `\\sqrt{${this.expression(depth - 1)}}`
      case 2:
        return `\\left\\|${this.expression(depth - 1)}\\right\\|_{${r.pick(['2', '1', 'F', '\\infty', '2}^{2'])}}`
      case 3:
        return `\\left|${this.expression(depth - 1)}\\right|`
      case 4:
        return `\\langle ${this.vector()}, ${this.vector()} \\rangle`
      case 5: {
        const i = r.pick(indices)
        return `\\${r.pick(['sum', 'sum', 'prod'])}_{${i}=1}^{${r.pick(bounds)}} {${this.atom(depth - 1)}}_{${i}}`
      }
      case 6:
        return this.expectation(this.expression(depth - 1))
      case 7:
        return `${this.vector()}^{\\top} ${this.matrix()} ${this.vector()}`
      case 8:
        return `\\nabla_{${this.greekSym()}} ${this.atom(depth - 1)}`
      case 9:
        return `${r.pick(['\\max', '\\min', '\\sup', '\\inf'])}_{${this.symbol()}} ${this.atom(depth - 1)}`
      default:
        return this.atom(depth)
    }
  }

  /** One to three terms joined by operators. */
  expression(depth: number): string {
    const r = this.#r
    const count = depth <= 0 ? r.int(1, 2) : r.int(1, 3)
    let out = this.term(depth)
    for (let i = 1; i < count; i++) out += ` ${r.pick(['+', '-', '\\cdot', '', '\\odot', '\\otimes'])} ${this.term(Math.max(0, depth - 1))}`
    return out.replace(/ {2,}/g, ' ')
  }

  private expectation(inner: string): string {
    const r = this.#r
    const E = r.pick(['\\E', '\\mathbb{E}'])
    return `${E}_{${this.symbol()} \\sim ${r.pick(distributions)}}\\left[${inner}\\right]`
  }

  private matrixLiteral(): string {
    const r = this.#r
    const rows = r.int(2, 3)
    const cols = r.int(2, 3)
    const env = r.pick(['pmatrix', 'bmatrix', 'pmatrix'])
    const lines: string[] = []
    for (let i = 0; i < rows; i++) {
      const cells: string[] = []
      for (let j = 0; j < cols; j++) cells.push(r.chance(0.25) ? '0' : r.chance(0.5) ? this.symbol() : this.atom(0))
      lines.push(cells.join(' & '))
    }
    return `\\begin{${env}} ${lines.join(' \\\\ ')} \\end{${env}}`
  }
}
