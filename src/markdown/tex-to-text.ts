/** Plain-text stand-ins for common TeX commands, so titles and descriptions never show raw TeX. */
const symbols: Record<string, string> = {
  alpha: 'α', beta: 'β', gamma: 'γ', delta: 'δ', epsilon: 'ε', varepsilon: 'ε', zeta: 'ζ', eta: 'η', theta: 'θ',
  iota: 'ι', kappa: 'κ', lambda: 'λ', mu: 'μ', nu: 'ν', xi: 'ξ', pi: 'π', rho: 'ρ', sigma: 'σ', tau: 'τ',
  phi: 'φ', varphi: 'φ', chi: 'χ', psi: 'ψ', omega: 'ω', Gamma: 'Γ', Delta: 'Δ', Theta: 'Θ', Lambda: 'Λ',
  Xi: 'Ξ', Pi: 'Π', Sigma: 'Σ', Phi: 'Φ', Psi: 'Ψ', Omega: 'Ω', infty: '∞', approx: '≈', leq: '≤', le: '≤',
  geq: '≥', ge: '≥', neq: '≠', ne: '≠', times: '×', cdot: '·', pm: '±', to: '→', rightarrow: '→', leftarrow: '←',
  sum: 'Σ', prod: 'Π', int: '∫', partial: '∂', nabla: '∇', in: '∈', sim: '∼', propto: '∝', ell: 'ℓ', mid: '|',
  lesssim: '≲', gtrsim: '≳', ll: '≪', gg: '≫', sqrt: '√', log: 'log', exp: 'exp', min: 'min', max: 'max',
  ast: '∗', star: '⋆', circ: '∘', otimes: '⊗', oplus: '⊕', odot: '⊙', top: '⊤', perp: '⊥', dagger: '†', prime: '′',
  cdots: '⋯', ldots: '…', dots: '…', forall: '∀', exists: '∃', neg: '¬', wedge: '∧', vee: '∨', emptyset: '∅',
  varnothing: '∅', cup: '∪', cap: '∩', setminus: '∖', langle: '⟨', rangle: '⟩', Vert: '‖', lVert: '‖', rVert: '‖',
  lvert: '|', rvert: '|', subset: '⊂', subseteq: '⊆', supset: '⊃', supseteq: '⊇', notin: '∉', equiv: '≡',
  Rightarrow: '⇒', Leftrightarrow: '⇔', mapsto: '↦', quad: ' ', qquad: ' '
}

const accents: Record<string, string> = { hat: '\u0302', widehat: '\u0302', tilde: '\u0303', widetilde: '\u0303', bar: '\u0304', overline: '\u0305', vec: '\u20d7', dot: '\u0307' }

const relations = new Set([
  'approx', 'leq', 'le', 'geq', 'ge', 'neq', 'ne', 'to', 'rightarrow', 'leftarrow', 'in', 'sim', 'propto', 'lesssim', 'gtrsim', 'll', 'gg', 'mid',
  'subset', 'subseteq', 'supset', 'supseteq', 'notin', 'equiv', 'Rightarrow', 'Leftrightarrow', 'mapsto'
])

const operators = new Set(['times', 'cdot', 'pm', 'circ', 'otimes', 'oplus', 'odot', 'cup', 'cap', 'setminus', 'wedge', 'vee'])

/**
 * Turn a TeX formula into readable plain text (`\beta` → `β`, `x^{2}` → `x^2`), for places that
 * cannot show rendered math: `<title>`, meta descriptions, feed titles, the search index.
 *
 * @param tex the formula's source, without dollars
 */
export function texToText(tex: string): string {
  return tex
    // Accents become combining marks on what they cover: `\hat f` → f̂.
    .replace(/\\(hat|widehat|tilde|widetilde|bar|overline|vec|dot)\s*(?:\{([^{}]*)\}|([A-Za-z0-9]))/g, (_, accent: string, group?: string, single?: string) => `${group ?? single ?? ''}${accents[accent] ?? ''}`)
    .replace(/\\(?:mathbb|mathcal|mathrm|mathbf|operatorname|text|mathit|boldsymbol)\s*\{([^{}]*)\}/g, '$1')
    .replace(/\\([A-Za-z]+)\s*/g, (_, name: string) => {
      const symbol = symbols[name]
      if (symbol === undefined) return name
      // Relations, arrows and operators read better with a space on each side.
      return relations.has(name) || operators.has(name) ? ` ${symbol} ` : symbol
    })
    .replace(/\\[,;:! ]/g, ' ')
    .replace(/\\(.)/g, '$1')
    .replace(/[{}]/g, '')
    .replace(/\s+/g, ' ')
    // A closing bracket hugs what it closes, as an opening one does.
    .replace(/ ⟩/g, '⟩')
    .trim()
}

/**
 * Replace `$…$` spans in a line of plain text (such as a title) by their plain-text form.
 *
 * @param value text that may contain inline math
 */
export function stripInlineMath(value: string): string {
  return value.replace(/\$\$?([^$]+)\$\$?/g, (_, tex: string) => texToText(tex))
}
