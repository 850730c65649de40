/**
 * Test helper: a small corpus written for the project — four topics of five
 * papers each, worded so the corpus model has co-occurrences to learn from
 * (diffusion image generation, language-model safety, molecular graph
 * networks, robot reinforcement learning).
 */
import type { PaperRecord } from '../../src/domain/paper.js';
import { paper, record } from './papers.js';

const TOPICS: [string, string, string[]][] = [
  ['diffusion', 'Diffusion models generate images by denoising noise step by step; a text encoder guides the sampler toward the prompt.', [
    'Faster sampling for diffusion image generation',
    'Guidance scales in text-to-image diffusion',
    'Latent diffusion with a learned autoencoder',
    'Consistency distillation of image diffusion samplers',
    'Editing photographs with denoising diffusion',
  ]],
  ['safety', 'Large language models can be jailbroken by adversarial prompts that bypass safety alignment and elicit harmful answers; red teaming finds them.', [
    'Jailbreak prompts against aligned chat models',
    'Red teaming language models for harmful outputs',
    'Safety alignment that survives fine-tuning',
    'Refusal behaviour of aligned assistants under attack',
    'Measuring harmful completions of chat assistants',
  ]],
  ['molecules', 'Graph neural networks pass messages between atoms and bonds to predict molecular properties and design drug candidates.', [
    'Message passing networks for molecular property prediction',
    'Equivariant graph networks for protein structures',
    'Generating drug-like molecules with graph models',
    'Pretraining graph encoders on chemical compounds',
    'Predicting reaction yields from molecular graphs',
  ]],
  ['robots', 'Reinforcement learning trains robot policies from rewards in simulation, then transfers the manipulation skills to real arms.', [
    'Sim-to-real transfer of grasping policies',
    'Reward shaping for robotic manipulation',
    'Offline reinforcement learning for robot arms',
    'Learning dexterous in-hand manipulation from rewards',
    'Curriculum learning for legged robot locomotion',
  ]],
];

/** The 20 papers, ids 2401.00001…2401.00020, dated one day apart from 2024-01-01, category cs.LG (cs.CV for diffusion). */
export function topicPapers(): PaperRecord[] {
  const out: PaperRecord[] = [];
  let n = 0;
  for (const [topic, sentence, titles] of TOPICS) {
    for (const title of titles) {
      n++;
      const id = `2401.${String(n).padStart(5, '0')}`;
      out.push(record(paper(id, {
        title,
        abstract: `${sentence} This paper studies ${title.toLowerCase()}.`,
        publishedAt: `2024-01-${String(n).padStart(2, '0')}T00:00:00.000Z`,
        categories: [topic === 'diffusion' ? 'cs.CV' : 'cs.LG'],
        primaryCategory: topic === 'diffusion' ? 'cs.CV' : 'cs.LG',
        organization: topic === 'safety' ? 'SafeLab' : null,
      })));
    }
  }
  return out;
}
