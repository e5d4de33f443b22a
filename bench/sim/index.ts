export { startSimulator, type RunningSimulator } from "./server";
export { defaultSimOptions, simOptionsFrom, type FaultOptions, type SimOptions } from "./options";
export { countTokens, tokenize, detokenize } from "./tokenizer";
