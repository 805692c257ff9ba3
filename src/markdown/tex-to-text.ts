/** Plain-text stand-ins for common TeX commands, so titles and descriptions never show raw TeX. */
const symbols: Record<string, string> = {
  alpha: 'α', beta: 'β', gamma: 'γ', delta: 'δ', epsilon: 'ε', varepsilon: 'ε', zeta: 'ζ', eta: 'η', theta: 'θ',
  iota: 'ι', kappa: 'κ', lambda: 'λ', mu: 'μ', nu: 'ν', xi: 'ξ', pi: 'π', rho: 'ρ', sigma: 'σ', tau: 'τ',
  phi: 'φ', varphi: 'φ', chi: 'χ', psi: 'ψ', omega: 'ω', Gamma: 'Γ', Delta: 'Δ', Theta: 'Θ', Lambda: 'Λ',
  Xi: 'Ξ', Pi: 'Π', Sigma: 'Σ', Phi: 'Φ', Psi: 'Ψ', Omega: 'Ω', infty: '∞', approx: '≈', leq: '≤', le: '≤',
  geq: '≥', ge: '≥', neq: '≠', ne: '≠', times: '×', cdot: '·', pm: '±', to: '→', rightarrow: '→', leftarrow: '←',
  sum: 'Σ', prod: 'Π', int: '∫', partial: '∂', nabla: '∇', in: '∈', sim: '∼', propto: '∝', ell: 'ℓ', mid: '|',
  lesssim: '≲', gtrsim: '≳', ll: '≪', gg: '≫', sqrt: '√', log: 'log', exp: 'exp', min: 'min', max: 'max'
}

/**
 * Turn a TeX formula into readable plain text (`\beta` → `β`, `x^{2}` → `x^2`), for places that
 * cannot show rendered math: `<title>`, meta descriptions, feed titles, the search index.
 *
 * @param tex the formula's source, without dollars
 */
export function texToText(tex: string): string {
  return tex
    .replace(/\\(?:mathbb|mathcal|mathrm|mathbf|operatorname|text|mathit|boldsymbol|hat|tilde|bar|vec)\s*\{([^{}]*)\}/g, '$1')
    .replace(/\\([A-Za-z]+)\s*/g, (_, name: string) => symbols[name] ?? name)
    .replace(/\\[,;:! ]/g, ' ')
    .replace(/\\(.)/g, '$1')
    .replace(/[{}]/g, '')
    .replace(/\s+/g, ' ')
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
