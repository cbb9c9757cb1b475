/** Test helpers of the money library (not built, not exported). */

/** An XML element: name, attributes, child elements and text. */
export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const unescape = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');

/**
 * A strict parser for the XML our payment files use (elements, attributes, text; no CDATA,
 * comments or DTDs): throws on any mismatched or unclosed tag, so a test that parses a file
 * also checks that it is well formed.
 */
export function parseXml(source: string): XmlElement {
  const body = source.replace(/^<\?xml[^?]*\?>\s*/, '');
  const stack: XmlElement[] = [{ name: '#root', attributes: {}, children: [], text: '' }];
  const token = /<(\/?)([A-Za-z][\w.-]*)((?:\s+[\w:.-]+="[^"]*")*)\s*(\/?)>|([^<]+)/gy;
  let match: RegExpExecArray | null;
  let consumed = 0;
  while ((match = token.exec(body)) !== null) {
    consumed = token.lastIndex;
    const [, closing, name, attrs, selfClosing, text] = match;
    const top = stack[stack.length - 1]!;
    if (text !== undefined) {
      if (text.trim() !== '') top.text += unescape(text);
      continue;
    }
    if (closing) {
      if (top.name !== name) throw new Error(`</${name}> closes <${top.name}>`);
      stack.pop();
      continue;
    }
    const attributes: Record<string, string> = {};
    for (const a of attrs!.matchAll(/([\w:.-]+)="([^"]*)"/g)) attributes[a[1]!] = unescape(a[2]!);
    const element: XmlElement = { name: name!, attributes, children: [], text: '' };
    top.children.push(element);
    if (!selfClosing) stack.push(element);
  }
  if (consumed !== body.length) throw new Error(`unparsable XML at offset ${consumed}`);
  if (stack.length !== 1 || stack[0]!.children.length !== 1) throw new Error('unclosed element or several roots');
  return stack[0]!.children[0]!;
}

/** The child elements at a path of names, e.g. `at(doc, 'CstmrCdtTrfInitn', 'GrpHdr', 'MsgId')`. */
export function at(element: XmlElement, ...path: string[]): XmlElement[] {
  let found = [element];
  for (const name of path) found = found.flatMap((e) => e.children.filter((c) => c.name === name));
  return found;
}

/** The text of the one element at a path; throws when there is not exactly one. */
export function textAt(element: XmlElement, ...path: string[]): string {
  const found = at(element, ...path);
  if (found.length !== 1) throw new Error(`${path.join('/')}: ${found.length} elements`);
  return found[0]!.text;
}

/** Checks the required structure of a pain.001.001.09 document and that NbOfTxs and CtrlSum match its transfers. */
export function checkPain001(source: string): { transfers: XmlElement[]; ctrlSum: string; nbOfTxs: number } {
  const doc = parseXml(source);
  if (doc.name !== 'Document' || doc.attributes.xmlns !== 'urn:iso:std:iso:20022:tech:xsd:pain.001.001.09') throw new Error('not a pain.001.001.09 Document');
  const required = [
    ['GrpHdr', 'MsgId'], ['GrpHdr', 'CreDtTm'], ['GrpHdr', 'NbOfTxs'], ['GrpHdr', 'CtrlSum'], ['GrpHdr', 'InitgPty', 'Nm'],
    ['PmtInf', 'PmtInfId'], ['PmtInf', 'PmtMtd'], ['PmtInf', 'NbOfTxs'], ['PmtInf', 'CtrlSum'], ['PmtInf', 'ReqdExctnDt', 'Dt'],
    ['PmtInf', 'Dbtr', 'Nm'], ['PmtInf', 'DbtrAcct', 'Id'], ['PmtInf', 'DbtrAgt', 'FinInstnId'],
  ];
  for (const path of required) if (at(doc, 'CstmrCdtTrfInitn', ...path).length !== 1) throw new Error(`missing ${path.join('/')}`);
  const transfers = at(doc, 'CstmrCdtTrfInitn', 'PmtInf', 'CdtTrfTxInf');
  for (const t of transfers) {
    for (const path of [['PmtId', 'EndToEndId'], ['Amt', 'InstdAmt'], ['Cdtr', 'Nm'], ['CdtrAcct', 'Id']]) {
      if (at(t, ...path).length !== 1) throw new Error(`a transfer lacks ${path.join('/')}`);
    }
    if (!/^[A-Z]{3}$/.test(at(t, 'Amt', 'InstdAmt')[0]!.attributes.Ccy ?? '')) throw new Error('InstdAmt without Ccy');
  }
  // Sum in minor units from the decimal text, so no float rounding hides a mismatch.
  const minor = (s: string) => {
    const [whole, frac = ''] = s.split('.');
    return BigInt(whole!) * 100n + BigInt(frac.padEnd(2, '0'));
  };
  const sum = transfers.reduce((s, t) => s + minor(at(t, 'Amt', 'InstdAmt')[0]!.text), 0n);
  const ctrlSum = textAt(doc, 'CstmrCdtTrfInitn', 'GrpHdr', 'CtrlSum');
  const nbOfTxs = Number(textAt(doc, 'CstmrCdtTrfInitn', 'GrpHdr', 'NbOfTxs'));
  if (nbOfTxs !== transfers.length || Number(textAt(doc, 'CstmrCdtTrfInitn', 'PmtInf', 'NbOfTxs')) !== transfers.length) throw new Error('NbOfTxs does not match');
  if (minor(ctrlSum) !== sum || textAt(doc, 'CstmrCdtTrfInitn', 'PmtInf', 'CtrlSum') !== ctrlSum) throw new Error('CtrlSum does not match');
  return { transfers, ctrlSum, nbOfTxs };
}
