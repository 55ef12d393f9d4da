/**
 * @tl/plugins — transfer-learning strategies for the tl Trainer. Importing the package registers every
 * strategy by name in the DI container, so `createStrategies(['layerwise:llrd=0.9', 'eda:n=4'])`
 * (or `tl finetune --strategy ...`) finds them; each is also a class to configure in code.
 */
import { registerBuiltinStrategies } from './register.js';

registerBuiltinStrategies();

export { BUILTIN_STRATEGIES, registerBuiltinStrategies } from './register.js';
export { createStrategies, loadPluginModule, parseStrategySpec, formatStrategySpec, type StrategySpec } from '@tl/core';
export { CompositeStrategy } from './compose/composite-strategy.js';
// Layer-wise fine-tuning.
export { depthFromTop, depthLabel, groupDepth, groupDepthFromTop, splitGroupsByDepth, setTrainable, type Depth } from './layerwise/depth-groups.js';
export { Freeze, type FreezeOptions } from './layerwise/freeze.js';
export { LayerwiseLrDecay, type LayerwiseLrDecayOptions } from './layerwise/layerwise-lr-decay.js';
export { GradualUnfreezing, type GradualUnfreezingOptions } from './layerwise/gradual-unfreezing.js';
export { ChainThaw, type ChainThawOptions } from './layerwise/chain-thaw.js';
export { createLayerwise } from './layerwise/layerwise.js';
// Weight sharing.
export { ShareWeights, copyParameters, type ShareWeightsOptions } from './weight-sharing/share-weights.js';
export { ReinitTopLayers, type ReinitTopLayersOptions } from './weight-sharing/reinit-top-layers.js';
export { selectParameters, type Selector } from './weight-sharing/select-parameters.js';
export { MultiTaskModel, headParameterName, type TaskHead, type MultiTaskBatch, type MultiTaskOutput } from './multi-task/multi-task-model.js';
export { MultiTaskCollator, type TaskExample } from './multi-task/multi-task-collator.js';
export { taskSchedule, type TaskSampling, type TaskBatch } from './multi-task/task-schedule.js';
export { trainMultiTask, type MultiTaskTrainingOptions, type MultiTaskTrainingResult } from './multi-task/train-multi-task.js';
// Training-set enrichment.
export { Eda, type EdaOptions } from './enrichment/eda/eda-strategy.js';
export { edaAugment, tokenize as edaTokenize, detokenize as edaDetokenize, type EdaRates, type EdaEdit, type EdaResult, type EdaOperation, type SynonymSource } from './enrichment/eda/eda.js';
export { STOP_WORDS } from './enrichment/eda/stop-words.js';
export { ContextualAugmentation, topK, type ContextualAugmentationOptions, type ContextualCopy, type ContextualEdit } from './enrichment/contextual/contextual-augmentation.js';
export { AuxiliaryData, type AuxiliaryDataOptions } from './enrichment/auxiliary/auxiliary-data.js';
// Feature extraction and adapters.
export { FeatureExtraction } from './feature-extraction/feature-extraction.js';
export { CachedFeatureModel, canRunHead, type HeadRunner } from './feature-extraction/cached-feature-model.js';
export { Lora, type LoraOptions } from './lora/lora.js';
export { addLoraAdapter, mergeLoraAdapter, loraNames, type LoraAdapterSpec } from './lora/lora-adapter.js';
