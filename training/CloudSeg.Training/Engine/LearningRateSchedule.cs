namespace CloudSeg.Training.Engine;

/// <summary>
/// Learning rate at a step: linear warm-up (Goyal et al. 2017), then either step decay (×γ at the milestones, as in
/// the Mask R-CNN schedules) or cosine annealing to zero (Loshchilov &amp; Hutter 2017).
/// </summary>
public static class LearningRateSchedule
{
    public static double At(int step, int totalSteps, TrainerOptions options)
    {
        double warmup = 1.0;
        if (step < options.WarmupSteps)
        {
            double progress = (double)step / options.WarmupSteps;
            warmup = options.WarmupFactor * (1 - progress) + progress;
        }
        double decay = options.Schedule switch
        {
            LearningRateScheduleKind.Step => Math.Pow(options.Gamma,
                options.StepMilestones.Count(m => step >= (int)(m * totalSteps))),
            _ => 0.5 * (1 + Math.Cos(Math.PI * Math.Min(step, totalSteps) / Math.Max(1, totalSteps))),
        };
        return options.LearningRate * warmup * decay;
    }
}
