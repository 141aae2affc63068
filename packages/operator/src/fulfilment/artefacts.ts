import bwipjs from 'bwip-js';
import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';

/** QR in alphanumeric mode (base45 is exactly its alphabet); level M survives a crease or a smudge. */
export function qrPng(indicium: string): Promise<Buffer> {
  return QRCode.toBuffer(indicium, { errorCorrectionLevel: 'M', margin: 4, scale: 4, type: 'png' });
}

/** Data Matrix, as postal indicia print it. */
export function dataMatrixPng(indicium: string): Promise<Buffer> {
  return bwipjs.toBuffer({ bcid: 'datamatrix', text: indicium, scale: 3, paddingwidth: 4, paddingheight: 4 });
}

/**
 * The printed receipt: the human-readable text, the QR code, and both again
 * in the document's Info dictionary (Subject: the text; Keywords: the
 * indicium), so `tally verify receipt.pdf` reads them back without a renderer.
 */
export async function receiptPdf(input: { indicium: string; text: string; title: string }): Promise<Buffer> {
  const qr = await qrPng(input.indicium);
  const doc = new PDFDocument({
    size: 'A5',
    margin: 36,
    compress: true,
    info: {
      Title: input.title,
      Subject: input.text,
      Keywords: input.indicium,
      Creator: 'Tallystick',
      Producer: 'Tallystick',
      CreationDate: new Date(0),
    },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  doc.fontSize(14).text(input.title);
  doc.moveDown(0.5).fontSize(9).font('Courier').text(input.text);
  doc.moveDown(0.5).image(qr, { fit: [260, 260] });
  doc.moveDown(0.5).fontSize(6).text(input.indicium, { width: 340 });
  doc.end();
  return done;
}
