export {
  BLOCK,
  CorruptCiphertextError,
  PartEncryptor,
  RangeDecryptor,
  checkCipherSize,
  cipherSize,
  decodeIv,
  decodeKey,
  encodeB64,
  encryptPart,
  newFileSecrets,
  unpad,
} from './cbc';
